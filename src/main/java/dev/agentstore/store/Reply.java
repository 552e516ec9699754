package dev.agentstore.store;

import io.vertx.core.json.JsonObject;

/** Where the outcome of one store request goes: the event-bus message that asked for it. */
public interface Reply {
    void ok(JsonObject body);

    /** {@code replayed}: the body is the stored answer of an idempotency key, and nothing was written. */
    default void ok(JsonObject body, boolean replayed) {
        ok(body);
    }

    void fail(int code, String message);
}
