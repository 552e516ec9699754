package dev.agentstore.http;

import dev.agentstore.bus.Failures;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that maps failures to HTTP responses: application/problem+json (RFC 9457) with a
 * message safe for clients and the request's id ({@code request_id}, as in its {@code X-Request-Id} header),
 * which the access log and the store's log of a failure name too. A store failure keeps its code; a store
 * that does not answer is a 503.
 */
final class Problems {
    private static final Logger LOG = Logger.getLogger(Problems.class.getName());
    static final String CONTENT_TYPE = "application/problem+json";
    /** Seconds a client should wait before retrying a 503. */
    static final String RETRY_AFTER_S = "1";

    private Problems() {}

    private static final CharSequence NOSNIFF_NAME = HttpHeaders.createOptimized("X-Content-Type-Options");
    private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

    /**
     * The headers of every answer, set before anything else of it: {@code X-Content-Type-Options: nosniff} (a
     * browser never runs an answer as a script or a page of another type) and {@code Cache-Control: no-store}
     * (no cache, a shared proxy's or the browser's, keeps an answer that may hold an agent's code). A route may
     * replace Cache-Control for what it serves.
     */
    static void secure(HttpServerResponse response) {
        response.headers().set(NOSNIFF_NAME, NOSNIFF).set(HttpHeaders.CACHE_CONTROL, NO_STORE);
    }

    /** A request that this layer refuses before it reaches the store. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String detail) {
            super(detail, null, false, false);
        }
    }

    static void send(RoutingContext ctx, int status, String detail) {
        send(ctx.request(), status, detail);
    }

    static Future<Void> send(HttpServerRequest request, int status, String detail) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        JsonObject body = new JsonObject()
                .put("type", "about:blank")
                .put("title", HttpResponseStatus.valueOf(status).reasonPhrase())
                .put("status", status)
                .put("detail", detail)
                .put("instance", request.path())
                .put("request_id", requestId(request));
        if (status == Failures.UNAVAILABLE) {
            response.putHeader("Retry-After", RETRY_AFTER_S);
        }
        return response.setStatusCode(status)
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(body.encode());
    }

    /** The id the request was given ({@link RequestIds}); one made now if no path gave it one before. */
    private static String requestId(HttpServerRequest request) {
        String id = RequestIds.of(request.response());
        return id != null ? id : RequestIds.assign(request);
    }

    /**
     * A request that the HTTP/1.1 decoder could not parse (a space or a bad version in the request line, a
     * line or a header block past its limit): Vert.x's own answer is a bare status; this one says why.
     * The connection is closed after it, as Vert.x does: what follows on it cannot be framed.
     */
    static void invalidRequest(HttpServerRequest request) {
        secure(request.response());
        RequestIds.assign(request);
        Throwable cause = request.decoderResult().cause();
        int status;
        String detail;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            detail = "the request line is longer than " + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            detail = "the request headers are larger than " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes";
        } else {
            status = 400;
            detail = "the request is not valid HTTP/1.1"
                    + (cause == null || cause.getMessage() == null ? "" : ": " + oneLine(cause.getMessage()));
        }
        send(request, status, detail).eventually(() -> request.connection().close());
    }

    /** A header of the client's, to quote in a detail: in quotes, one line, printable, and not too long. */
    static String quoted(String text) {
        return "'" + oneLine(text) + "'";
    }

    /** A decoder's message may quote the client's bytes: one line, printable, and not too long. */
    private static String oneLine(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 200 ? printable.substring(0, 200) + "..." : printable;
    }

    /**
     * The detail of a 400 that Vert.x raised before a route ran: its own message when it has one (a request
     * without a Host header), else a generic one; {@link Uris} has already named a malformed path or query.
     */
    static String malformed(Throwable failure) {
        return failure instanceof VertxException && failure.getMessage() != null
                ? oneLine(failure.getMessage())
                : "malformed request";
    }

    /** Maps any failure of a request's future to a problem response. */
    static void fail(RoutingContext ctx, Throwable err) {
        if (err instanceof BadRequest bad) {
            send(ctx, Failures.BAD_REQUEST, bad.getMessage());
        } else if (err instanceof Writes.Precondition p) {
            send(ctx, p.status, p.getMessage());
        } else if (err instanceof ReplyException re) {
            switch (re.failureType()) {
                case RECIPIENT_FAILURE -> {
                    int code = re.failureCode();
                    send(
                            ctx,
                            code >= 400 && code < 600 ? code : 500,
                            code >= 400 && code < 600 ? re.getMessage() : "internal error");
                }
                case TIMEOUT -> send(ctx, Failures.UNAVAILABLE, "the store did not answer in time, retry later");
                default -> send(ctx, Failures.UNAVAILABLE, "the store is not available, retry later");
            }
        } else {
            LOG.log(
                    Level.SEVERE,
                    "request " + ctx.request().method() + " " + ctx.request().path() + " failed (request id "
                            + requestId(ctx.request()) + ")",
                    err);
            send(ctx, Failures.INTERNAL, "internal error");
        }
    }
}
