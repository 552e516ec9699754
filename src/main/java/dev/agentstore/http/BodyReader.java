package dev.agentstore.http;

import dev.agentstore.bus.Failures;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads request bodies within two limits: {@code http.max_body_bytes} per body (413) and the {@link BodyBudget}
 * of all bodies in flight (503 with Retry-After). A body with a Content-Length is admitted or refused before a
 * byte of it is read; a chunked one is admitted chunk by chunk. What a body took is given back once, when its
 * request is answered or its connection closes. A refused body is read and dropped, up to twice {@code
 * max_body_bytes} (at least 2 MiB), so that the client gets the answer and keeps its connection; past that the
 * connection is closed. A body over {@link Offload#THRESHOLD} is decoded on a worker before the route runs.
 * Replaces vertx-web's BodyHandler.
 *
 * <p>It runs in the chain of each POST, PUT and PATCH route, after the {@link Gate} ({@link Api}): a refused
 * caller's body is never read into memory. {@link #dropUnread}, ahead of every route, disposes of a body that no
 * route took (its request refused by the gate, a 404, a 405, a malformed URI) the way a refused body is.
 */
final class BodyReader implements Handler<RoutingContext> {
    /** Set on a request whose body this reader took, so that {@link #dropUnread} leaves it alone. */
    private static final String TAKEN = "agentstore.body.taken";

    private final BodyBudget budget;
    private final long maxBodyBytes;
    /** How much of a refused body is read and dropped before its connection is closed (Tomcat: 2 MB). */
    private final long swallowBytes;

    private final Offload offload;

    BodyReader(BodyBudget budget, long maxBodyBytes, Offload offload) {
        this.budget = budget;
        this.maxBodyBytes = maxBodyBytes;
        this.swallowBytes = Math.max(2 * maxBodyBytes, 2 << 20);
        this.offload = offload;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        boolean chunked = chunked(request);
        long length = chunked ? -1 : contentLength(request);
        if ((length <= 0 && !chunked) || request.isEnded()) {
            ctx.next();
            return;
        }
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            ctx.fail(417); // its body is not read: dropUnread closes the connection after the answer
            return;
        }
        ctx.put(TAKEN, Boolean.TRUE);
        new Body(ctx, length, expect != null && request.version() != HttpVersion.HTTP_1_0).start();
    }

    /**
     * Ahead of every route: when a request with a body is answered without a route's reader having taken the
     * body, the body is read and dropped after the answer (not kept: its bytes are counted, not buffered), so that
     * the client, which may send it before it reads the answer, gets the answer and keeps its connection. A body
     * longer than what is dropped, and a client waiting for 100 Continue (which sends no body), get the answer and
     * a closed connection.
     */
    void dropUnread(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (chunked(request) || contentLength(request) > 0) {
            ctx.addEndHandler(ended -> {
                if (ctx.get(TAKEN) == null) {
                    drop(request);
                }
            });
        }
        ctx.next();
    }

    private void drop(HttpServerRequest request) {
        if (request.response().closed() || request.isEnded()) {
            return;
        }
        long length = chunked(request) ? -1 : contentLength(request);
        if (request.getHeader(HttpHeaders.EXPECT) != null || length > swallowBytes) {
            request.connection().close();
            return;
        }
        long[] read = {0};
        request.handler(chunk -> {
                    read[0] += chunk.length();
                    if (read[0] > swallowBytes) {
                        request.connection().close();
                    }
                })
                .exceptionHandler(err -> {})
                .resume();
    }

    /** HTTP/2 frames are chunks; a request with a body has a Content-Length or is chunked. */
    private static boolean chunked(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_2 || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    }

    private static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1; // Netty refused the request already
        }
    }

    /** One request's body: what it took from the budget, what it read, whether it was refused. */
    private final class Body {
        private final RoutingContext ctx;
        private final long length;
        private final boolean expectsContinue;
        private long taken;
        private long read;
        private Buffer buffer;
        private boolean refused;
        private boolean continued;

        Body(RoutingContext ctx, long length, boolean expectsContinue) {
            this.ctx = ctx;
            this.length = length;
            this.expectsContinue = expectsContinue;
        }

        void start() {
            if (ctx.response().closed()) {
                return; // no end handler would run to give back what it took
            }
            // Answered, failed or closed: the end handlers run once, whichever comes first.
            ctx.addEndHandler(ended -> giveBack());
            HttpServerRequest request = ctx.request();
            request.handler(this::chunk).endHandler(v -> end()).exceptionHandler(this::failed);
            if (length > maxBodyBytes) {
                refuse(413);
            } else if (length > 0 && !take(length)) {
                refuse(Failures.UNAVAILABLE);
            } else {
                buffer = Buffer.buffer(length > 0 ? (int) length : 1024);
                if (expectsContinue) {
                    ctx.response().writeContinue();
                    continued = true;
                }
            }
            request.resume();
        }

        private boolean take(long bytes) {
            if (!budget.take(bytes)) {
                return false;
            }
            taken += bytes;
            return true;
        }

        private void giveBack() {
            budget.give(taken);
            taken = 0;
            buffer = null;
        }

        private void chunk(Buffer chunk) {
            read += chunk.length();
            if (refused) {
                if (read > swallowBytes) {
                    ctx.request().connection().close();
                }
            } else if (read > maxBodyBytes) {
                refuse(413);
            } else if (length < 0 && !take(chunk.length())) {
                refuse(Failures.UNAVAILABLE);
            } else {
                buffer.appendBuffer(chunk);
            }
        }

        /**
         * Answers now and reads the rest of the body to drop it, so that the client, which may be sending it
         * before it reads an answer, gets this one and its connection stays usable. A client that waits for 100
         * Continue sends no body, and a body too long to drop is not read: those connections are closed after
         * the answer.
         */
        private void refuse(int status) {
            refused = true;
            giveBack();
            boolean close = (expectsContinue && !continued) || length - read > swallowBytes;
            read = 0;
            if (status == 413) {
                ctx.fail(413);
            } else {
                Problems.send(
                        ctx,
                        status,
                        "request bodies in flight would exceed http.max_inflight_body_bytes (" + budget.limit()
                                + " bytes); retry later");
            }
            if (close) {
                ctx.request().connection().close();
            }
        }

        private void end() {
            if (refused) {
                return;
            }
            Buffer body = buffer;
            if (body.length() <= Offload.THRESHOLD) {
                Requests.body(ctx, body);
                ctx.next();
                return;
            }
            buffer = null; // from here the decoded body is all that is kept
            offload.decode(body).onComplete(decoded -> {
                if (!ctx.response().closed()) {
                    Requests.body(ctx, decoded);
                    ctx.next();
                }
            });
        }

        private void failed(Throwable err) {
            if (!(err instanceof HttpClosedException) && !refused) {
                refused = true;
                giveBack();
                ctx.fail(400, err);
            }
        }
    }
}
