package dev.agentstore.store;

import io.vertx.core.json.JsonObject;

/** Where the outcome of one store request goes: the event-bus message that asked for it. */
public interface Reply {
    void ok(JsonObject body);

    void fail(int code, String message);
}
