package dev.agentstore.http;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;

/**
 * One server-sent-events answer (text/event-stream), with a bound on what it holds for a client that reads slower
 * than events come: a frame is written while the connection's write queue has room, held while it is full, and once
 * {@code maxPending} frames are held the stream is closed. The client then resumes with its {@code Last-Event-ID}
 * from the change table (docs/api.md, "Changes"), so a stuck client costs the server at most {@code maxPending}
 * frames, never the whole feed.
 */
final class EventStream {
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final int maxPending;
    private final StreamCounters counters;
    private final ArrayDeque<String> pending = new ArrayDeque<>();
    private Runnable onClose = () -> {};
    private boolean closed;
    private boolean ending;

    private EventStream(HttpServerRequest request, int maxPending, StreamCounters counters) {
        this.request = request;
        this.response = request.response();
        this.maxPending = maxPending;
        this.counters = counters;
    }

    /**
     * Answers 200 with an event stream on {@code ctx}; {@code guard} stops timing it as a request (it is answered
     * until the client or the server ends it). The client is told to reconnect after 2 s.
     */
    static EventStream open(RoutingContext ctx, ConnectionGuard guard, int maxPending, StreamCounters counters) {
        HttpServerResponse response = ctx.response();
        if (guard != null) {
            guard.streaming(ctx.request());
        }
        EventStream s = new EventStream(ctx.request(), maxPending, counters);
        counters.open.incrementAndGet();
        response.setChunked(true)
                .setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream") // UTF-8 always (the HTML standard)
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no"); // a proxy that buffers answers would hold the events
        smallBuffers(ctx.request().connection());
        response.closeHandler(v -> s.closed());
        response.drainHandler(v -> s.drain());
        response.write("retry: 2000\n\n");
        return s;
    }

    /**
     * The socket of a stream sends at most {@value #SEND_BUFFER_BYTES} bytes ahead of its client (the kernel
     * doubles it), and Vert.x queues at most as many before the write queue is full: a stream is long-lived and
     * sends little at a time, and without this the kernel's autotuning gives a socket whose client stopped reading
     * megabytes of buffer (2 MB measured here before one such stream filled up), so a thousand stuck clients would
     * hold gigabytes of kernel memory. Set on the connection through {@link HttpServerConnection}, an implementation
     * type, as {@link HttpVersions} does; if a later Vert.x renames it, streams keep the defaults.
     */
    static final int SEND_BUFFER_BYTES = 32 * 1024;

    private static void smallBuffers(HttpConnection conn) {
        if (conn instanceof HttpServerConnection server) {
            ChannelConfig config = server.channelHandlerContext().channel().config();
            try {
                config.setOption(ChannelOption.SO_SNDBUF, SEND_BUFFER_BYTES);
                config.setWriteBufferWaterMark(new WriteBufferWaterMark(SEND_BUFFER_BYTES / 4, SEND_BUFFER_BYTES));
            } catch (ChannelException e) {
                // the client has gone already: the close handler ends the stream
            }
        }
    }

    /** Runs once when the stream ends, whoever ends it. */
    void onClose(Runnable r) {
        this.onClose = r;
    }

    boolean isClosed() {
        return closed;
    }

    /** Sends {@code frame} (one or more complete events), or holds it; closes the stream past the bound. */
    void send(String frame) {
        if (closed || ending) {
            return;
        }
        if (pending.isEmpty() && !response.writeQueueFull()) {
            response.write(frame);
            return;
        }
        pending.add(frame);
        counters.pending.incrementAndGet();
        if (pending.size() > maxPending) {
            counters.overflowed.incrementAndGet();
            close();
        }
    }

    /** A comment, when nothing is held: keeps proxies from closing an idle stream, and finds a dead peer. */
    void heartbeat() {
        if (!closed && pending.isEmpty() && !response.writeQueueFull()) {
            response.write(":\n\n");
        }
    }

    /** Ends the stream once what it holds is written (a watched workflow that reached a final status). */
    void end() {
        if (closed || ending) {
            return;
        }
        ending = true;
        if (pending.isEmpty()) {
            finish();
        }
    }

    /** Closes the connection at once: a client too slow, or the server stopping. */
    void close() {
        if (!closed) {
            closed();
            request.connection().close(); // HTTP/1.1: a stream has its connection to itself
        }
    }

    private void drain() {
        while (!closed && !pending.isEmpty() && !response.writeQueueFull()) {
            response.write(pending.poll());
            counters.pending.decrementAndGet();
        }
        if (ending && pending.isEmpty()) {
            finish();
        }
    }

    private void finish() {
        if (!closed) {
            closed();
            response.end();
        }
    }

    private void closed() {
        if (closed) {
            return;
        }
        closed = true;
        counters.pending.addAndGet(-pending.size());
        pending.clear();
        counters.open.decrementAndGet();
        onClose.run();
    }
}
