package dev.agentstore.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.function.Supplier;

/** Ends a request with the store's reply, shaped for HTTP, or with the problem it failed with. */
final class Responses {
  private Responses() {}

  /**
   * Calls the store ({@code call} may throw a {@link Problems.BadRequest} while it reads the request),
   * then answers {@code status} with {@code shape} applied to the reply.
   */
  static void json(RoutingContext ctx, Supplier<Future<JsonObject>> call, int status,
      Function<JsonObject, JsonObject> shape) {
    Future<JsonObject> reply;
    try {
      reply = call.get();
    } catch (RuntimeException e) {
      Problems.fail(ctx, e);
      return;
    }
    reply.onSuccess(r -> ctx.response().setStatusCode(status)
            .putHeader("Content-Type", "application/json")
            .end(shape.apply(r).toBuffer()))
        .onFailure(err -> Problems.fail(ctx, err));
  }
}
