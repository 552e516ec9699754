package dev.agentstore.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The store's answer to a write: its body, and whether it is the stored answer of an idempotency key (a retry),
 * in which case nothing was written.
 */
public record Answer(JsonObject body, boolean replayed) {
    static Answer of(Message<JsonObject> reply) {
        return new Answer(reply.body(), "true".equals(reply.headers().get(Actions.REPLAYED)));
    }
}
