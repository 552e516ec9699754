package dev.agentstore.bus;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * How a write travels beside its body: its idempotency key, if any, and whose keys they are.
 *
 * @param idempotencyKey null: none; else 1 to 255 printable ASCII characters (the store checks)
 * @param caller whose keys: two callers' equal keys are two keys (null: {@code bus})
 */
public record WriteOptions(String idempotencyKey, String caller) {
    /** A write without a key. */
    public static final WriteOptions NONE = new WriteOptions(null, null);

    /** A write with {@code key}, of the caller {@code bus}. */
    public static WriteOptions key(String key) {
        return new WriteOptions(key, null);
    }

    void addTo(DeliveryOptions options) {
        if (idempotencyKey != null) {
            options.addHeader(Actions.IDEMPOTENCY_KEY, idempotencyKey);
            if (caller != null) {
                options.addHeader(Actions.CALLER, caller);
            }
        }
    }
}
