package dev.agentstore.http;

import dev.agentstore.bus.Failures;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that maps failures to HTTP responses: application/problem+json (RFC 9457) with a
 * message safe for clients. A store failure keeps its code; a store that does not answer is a 503.
 */
final class Problems {
    private static final Logger LOG = Logger.getLogger(Problems.class.getName());
    static final String CONTENT_TYPE = "application/problem+json";
    /** Seconds a client should wait before retrying a 503. */
    static final String RETRY_AFTER_S = "1";

    private Problems() {}

    /** A request that this layer refuses before it reaches the store. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String detail) {
            super(detail, null, false, false);
        }
    }

    static void send(RoutingContext ctx, int status, String detail) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", "about:blank")
                .put("title", HttpResponseStatus.valueOf(status).reasonPhrase())
                .put("status", status)
                .put("detail", detail)
                .put("instance", ctx.request().path());
        if (status == Failures.UNAVAILABLE) {
            ctx.response().putHeader("Retry-After", RETRY_AFTER_S);
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(body.encode());
    }

    /** Maps any failure of a request's future to a problem response. */
    static void fail(RoutingContext ctx, Throwable err) {
        if (err instanceof BadRequest bad) {
            send(ctx, Failures.BAD_REQUEST, bad.getMessage());
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
                    "request " + ctx.request().method() + " " + ctx.request().path() + " failed",
                    err);
            send(ctx, Failures.INTERNAL, "internal error");
        }
    }
}
