package dev.agentstore.store;

import io.vertx.core.json.JsonObject;

/** What one write request came to; the writer sends it to the client only once its transaction ended. */
sealed interface WriteOutcome {
    void sendTo(Reply reply);

    default boolean ok() {
        return this instanceof Ok;
    }

    record Ok(JsonObject body) implements WriteOutcome {
        @Override
        public void sendTo(Reply reply) {
            reply.ok(body);
        }
    }

    record Failed(int code, String message) implements WriteOutcome {
        static Failed of(StoreException e) {
            return new Failed(e.code(), e.getMessage());
        }

        @Override
        public void sendTo(Reply reply) {
            reply.fail(code, message);
        }
    }
}
