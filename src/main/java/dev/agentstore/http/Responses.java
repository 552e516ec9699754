package dev.agentstore.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/** Ends a request with the store's reply, shaped for HTTP, or with the problem it failed with. */
final class Responses {
    private Responses() {}

    /** A path segment for a Location header: ids and names may hold spaces, slashes or non-ASCII. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * A read that takes the route's query parameters (the four lists, an agent's versions): the parameters
     * {@link Query#check} accepted, typed, go to the store as they are, and its reply comes back as it is.
     */
    static void query(RoutingContext ctx, Function<JsonObject, Future<JsonObject>> call) {
        json(ctx, () -> call.apply(Query.parsed(ctx)), 200, r -> r);
    }

    /**
     * Calls the store ({@code call} may throw a {@link Problems.BadRequest} while it reads the request),
     * then answers {@code status} with {@code shape} applied to the reply.
     */
    static void json(
            RoutingContext ctx, Supplier<Future<JsonObject>> call, int status, Function<JsonObject, JsonObject> shape) {
        json(ctx, call, r -> status, shape);
    }

    /** As above, with a status that depends on the reply (201 when something was created, else 200). */
    static void json(
            RoutingContext ctx,
            Supplier<Future<JsonObject>> call,
            ToIntFunction<JsonObject> status,
            Function<JsonObject, JsonObject> shape) {
        called(call)
                .onSuccess(r -> send(ctx, status.applyAsInt(r), shape.apply(r)))
                .onFailure(err -> Problems.fail(ctx, err));
    }

    /**
     * What {@code call} returns, or a failed future of what it threw while it read the request (a {@link
     * Problems.BadRequest}, a precondition): the answer's one path to {@link Problems#fail} either way.
     */
    static <T> Future<T> called(Supplier<Future<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** Answers {@code body} as JSON; one over 64 KiB is encoded on a worker, not on the event loop. */
    static void send(RoutingContext ctx, int status, JsonObject body) {
        Offload offload = Offload.current();
        Buffer small = offload == null ? body.toBuffer() : Offload.encodeSmall(body);
        if (small != null) {
            end(ctx, status, small);
        } else {
            offload.encode(body).onSuccess(json -> end(ctx, status, json)).onFailure(err -> Problems.fail(ctx, err));
        }
    }

    private static void end(RoutingContext ctx, int status, Buffer json) {
        if (!ctx.response().closed()) {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(json);
        }
    }
}
