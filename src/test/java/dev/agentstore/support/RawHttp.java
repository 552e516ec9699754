package dev.agentstore.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** HTTP/1.1 as bytes on a socket: requests that no HTTP client would send. */
public final class RawHttp {
    private RawHttp() {}

    /** What came back on a connection: the bytes, and whether the server closed it. */
    public record Answer(String text, boolean closed) {
        public int status() {
            return text.startsWith("HTTP/1.") ? Integer.parseInt(text.substring(9, 12)) : -1;
        }

        public String header(String name) {
            for (String line : head().split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }

        public String body() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? "" : text.substring(end + 4);
        }

        private String head() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? text : text.substring(0, end);
        }
    }

    /**
     * Sends {@code request} (ISO-8859-1: a char is a byte) and reads until the server closes the connection
     * or stays silent for {@code silenceMs} after answering.
     */
    public static Answer exchange(int port, byte[] request, int silenceMs) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(silenceMs);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            boolean closed = false;
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                closed = true; // reset by the server
            }
            return new Answer(got.toString(StandardCharsets.UTF_8), closed);
        }
    }

    /**
     * The first final response on a connection, read by its framing (a Content-Length, chunks, or up to the
     * close), after any 1xx; {@code whole} is false when the connection closed before the framing said it was
     * complete. {@code head} is the status line and the headers.
     */
    public record Response(int status, String head, byte[] body, boolean whole) {
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }

    /**
     * Sends {@code request} on a new connection and reads one response by its framing, without waiting for
     * the server to close (see {@link Response}); a HEAD's response has no body. With {@code endInput}, the
     * sending side is shut down after the request, as by a client that has nothing more to send: for a request
     * the server may wait on for ever. Null when the server closed the connection without answering.
     *
     * @throws SocketTimeoutException when the server neither answered nor closed within {@code timeoutMs}
     */
    public static Response exchangeOne(int port, byte[] request, boolean head, boolean endInput, int timeoutMs)
            throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            Reader in = new Reader(socket, deadline);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                if (endInput) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // the server closed or reset the connection while the request was sent: read what it answered
            }
            while (true) {
                int end = in.find("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
                if (end < 0) {
                    return in.size() == 0 ? null : new Response(-1, in.text(0, in.size()), new byte[0], false);
                }
                String text = in.text(0, end);
                int status = statusOf(text);
                in.drop(end + 4);
                if (status >= 100 && status < 200) {
                    continue; // 100 Continue: the final response follows
                }
                Response r = new Response(status, text, new byte[0], true);
                if (head || status == 204 || status == 304 || status < 0) {
                    return r;
                }
                String encoding = r.header("Transfer-Encoding");
                String length = r.header("Content-Length");
                if (encoding != null && encoding.toLowerCase().contains("chunked")) {
                    return in.chunked(r);
                } else if (length != null) {
                    int n = Integer.parseInt(length);
                    boolean whole = in.fill(n);
                    return new Response(status, text, in.take(Math.min(n, in.size())), whole);
                }
                in.fill(Integer.MAX_VALUE);
                return new Response(status, text, in.take(in.size()), true);
            }
        }
    }

    private static int statusOf(String head) {
        if (!head.startsWith("HTTP/1.") || head.length() < 12) {
            return -1;
        }
        try {
            return Integer.parseInt(head.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The bytes read from a socket and not yet consumed; reads more on demand, until a deadline. */
    private static final class Reader {
        private final Socket socket;
        private final long deadline;
        private byte[] got = new byte[0];
        private boolean closed;

        Reader(Socket socket, long deadline) {
            this.socket = socket;
            this.deadline = deadline;
        }

        /** Reads once more; false when the connection is closed. */
        private boolean more() throws IOException {
            if (closed) {
                return false;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("no answer, and the connection still open");
            }
            socket.setSoTimeout((int) left);
            byte[] buf = new byte[65536];
            int n;
            try {
                n = socket.getInputStream().read(buf);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                n = -1; // reset by the server
            }
            if (n < 0) {
                closed = true;
                return false;
            }
            byte[] all = Arrays.copyOf(got, got.length + n);
            System.arraycopy(buf, 0, all, got.length, n);
            got = all;
            return true;
        }

        int size() {
            return got.length;
        }

        /** The index of {@code what} from {@code from}, reading until it comes or the connection closes. */
        int find(byte[] what, int from) throws IOException {
            int searched = from;
            while (true) {
                for (int i = searched; i + what.length <= got.length; i++) {
                    if (Arrays.equals(got, i, i + what.length, what, 0, what.length)) {
                        return i;
                    }
                }
                searched = Math.max(from, got.length - what.length + 1);
                if (!more()) {
                    return -1;
                }
            }
        }

        /** Reads until {@code n} bytes are here; false when the connection closed first. */
        boolean fill(int n) throws IOException {
            while (got.length < n) {
                if (!more()) {
                    return false;
                }
            }
            return true;
        }

        String text(int from, int to) {
            return new String(got, from, to - from, StandardCharsets.ISO_8859_1);
        }

        void drop(int n) {
            got = Arrays.copyOfRange(got, n, got.length);
        }

        byte[] take(int n) {
            byte[] taken = Arrays.copyOf(got, n);
            drop(n);
            return taken;
        }

        Response chunked(Response r) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] crlf = {'\r', '\n'};
            while (true) {
                int eol = find(crlf, 0);
                if (eol < 0) {
                    return new Response(r.status(), r.head(), body.toByteArray(), false);
                }
                String line = text(0, eol);
                int semi = line.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
                drop(eol + 2);
                if (size == 0) {
                    return new Response(r.status(), r.head(), body.toByteArray(), true);
                }
                if (!fill(size + 2)) {
                    body.writeBytes(take(Math.min(size, got.length)));
                    return new Response(r.status(), r.head(), body.toByteArray(), false);
                }
                body.writeBytes(take(size));
                drop(2);
            }
        }
    }

    public static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
