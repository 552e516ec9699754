package dev.agentstore.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Many TCP connections to the server held by one thread, non-blocking (java.nio), for the tests of the
 * connection limits: open them, send each some bytes, read each one's response, and see which the server
 * has closed. Each connection is only read when asked, so an idle one costs the test nothing.
 */
public final class Connections implements AutoCloseable {
    private final List<SocketChannel> channels = new ArrayList<>();
    private final long[] closedAt;
    private final long[] answeredAt;
    private final Selector selector;

    private Connections(int n) throws IOException {
        closedAt = new long[n];
        answeredAt = new long[n];
        selector = Selector.open();
    }

    /** Opens {@code n} connections to 127.0.0.1:{@code port}, waiting up to 30 s for all to connect. */
    public static Connections open(int port, int n) throws IOException {
        Connections c = new Connections(n);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        int pending = 0;
        for (int i = 0; i < n; i++) {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_LINGER, 0); // close() resets: no TIME_WAIT pile-up between tests
            c.channels.add(ch);
            if (!ch.connect(address)) {
                ch.register(c.selector, SelectionKey.OP_CONNECT, i);
                pending++;
            }
            // a few hundred at a time, so that the listen backlog never overflows into SYN retries
            while (pending > 200 || (i == n - 1 && pending > 0)) {
                pending -= c.finishConnects();
            }
        }
        return c;
    }

    private int finishConnects() throws IOException {
        // select() may return 0 before its timeout (a key cancelled by the last round, a spurious wake-up):
        // only the deadline says the connections did not complete.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (selector.select(30_000) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException("connections did not complete within 30 s");
            }
        }
        int done = 0;
        for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            if (((SocketChannel) key.channel()).finishConnect()) {
                key.cancel();
                done++;
            }
        }
        selector.selectNow(); // flush the cancelled keys
        return done;
    }

    public int size() {
        return channels.size();
    }

    /** Writes {@code text} (ASCII, small enough for a socket buffer) to connection {@code i}. */
    public void send(int i, String text) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (buf.hasRemaining()) {
            if (channels.get(i).write(buf) == 0) {
                throw new IOException("connection " + i + " does not take " + text.length() + " bytes");
            }
        }
    }

    /**
     * Sends {@code request} on every connection and reads one whole response from each (a head and the
     * Content-Length of body), so that all are keep-alive connections between requests.
     */
    public void exchangeOnEach(String request, long timeoutMs) throws IOException {
        exchange(0, size(), request, timeoutMs);
    }

    /** As {@link #exchangeOnEach}, one connection after the other: the server sees the requests in that order. */
    public void exchangeInOrder(String request, long timeoutMs) throws IOException {
        for (int i = 0; i < size(); i++) {
            exchange(i, i + 1, request, timeoutMs);
        }
    }

    private void exchange(int from, int to, String request, long timeoutMs) throws IOException {
        StringBuilder[] got = new StringBuilder[size()];
        int waiting = 0;
        for (int i = from; i < to; i++) {
            send(i, request);
            got[i] = new StringBuilder();
            channels.get(i).register(selector, SelectionKey.OP_READ, i);
            waiting++;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (waiting > 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 || selector.select(left) == 0 && System.nanoTime() >= deadline) {
                throw new IOException(
                        waiting + " of " + (to - from) + " connections got no response in " + timeoutMs + " ms");
            }
            for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey key = it.next();
                it.remove();
                int i = (Integer) key.attachment();
                buf.clear();
                int n = ((SocketChannel) key.channel()).read(buf);
                if (n < 0) {
                    throw new IOException("connection " + i + " closed before its response: " + got[i]);
                }
                got[i].append(new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1));
                if (complete(got[i])) {
                    answeredAt[i] = System.nanoTime();
                    key.cancel();
                    waiting--;
                }
            }
        }
        selector.selectNow();
    }

    private static boolean complete(StringBuilder response) {
        int head = response.indexOf("\r\n\r\n");
        if (head < 0) {
            return false;
        }
        String lower = response.substring(0, head).toLowerCase(Locale.ROOT);
        int at = lower.indexOf("content-length:");
        if (at < 0) {
            return true;
        }
        int eol = lower.indexOf("\r\n", at);
        int length =
                Integer.parseInt(lower.substring(at + 15, eol < 0 ? head : eol).strip());
        return response.length() >= head + 4 + length;
    }

    /** Reads what is there on every connection not yet seen closed; returns how many the server has closed. */
    public int closedByServer() {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int closed = 0;
        for (int i = 0; i < size(); i++) {
            if (closedAt[i] == 0) {
                try {
                    buf.clear();
                    if (channels.get(i).read(buf) < 0) {
                        closedAt[i] = System.nanoTime();
                    }
                } catch (IOException e) {
                    closedAt[i] = System.nanoTime(); // reset by the server
                }
            }
            if (closedAt[i] != 0) {
                closed++;
            }
        }
        return closed;
    }

    /** When {@link #exchangeOnEach} read the whole response on connection {@code i} (System.nanoTime). */
    public long answeredAt(int i) {
        return answeredAt[i];
    }

    /** When {@link #closedByServer} first saw connection {@code i} closed (System.nanoTime), or 0. */
    public long closedAt(int i) {
        return closedAt[i];
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel ch : channels) {
            ch.close();
        }
        selector.close();
    }
}
