package dev.agentstore.http;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event streams of every HTTP verticle of one Vert.x instance: how many are open, the events they hold for
 * clients that read slower than changes come (each stream at most {@code http.stream_max_pending}), and how many
 * were closed for it. {@code /metrics} shows them (docs/operations.md).
 */
final class StreamCounters implements Shareable {
    private static final String NAME = "agentstore.http.streams";

    final AtomicLong open = new AtomicLong();
    final AtomicLong pending = new AtomicLong();
    final AtomicLong overflowed = new AtomicLong();

    static StreamCounters of(Vertx vertx) {
        return (StreamCounters) vertx.sharedData().getLocalMap(NAME).computeIfAbsent(NAME, k -> new StreamCounters());
    }
}
