package dev.agentstore.http;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies in flight in one Vert.x instance, summed over every HTTP verticle instance
 * (event loop): from the moment a body is admitted until its request is answered or its connection closes.
 * {@code http.max_inflight_body_bytes} bounds it, so that concurrent large bodies get 503 instead of the
 * heap (a body in flight costs about twice its size: the bytes read, then the decoded strings and the
 * encoded reply).
 */
final class BodyBudget implements Shareable {
    private static final String MAP = "dev.agentstore.http";
    private static final String KEY = "body-budget";

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    private BodyBudget(long limit) {
        this.limit = limit;
    }

    /** The budget of {@code vertx}'s HTTP verticles; the first instance to start creates it. */
    static BodyBudget of(Vertx vertx, long limit) {
        return (BodyBudget)
                vertx.sharedData().<String, Object>getLocalMap(MAP).computeIfAbsent(KEY, k -> new BodyBudget(limit));
    }

    /** The budget of {@code vertx}'s HTTP verticles, or null before the first one started. */
    static BodyBudget of(Vertx vertx) {
        return (BodyBudget) vertx.sharedData().getLocalMap(MAP).get(KEY);
    }

    /** Takes {@code bytes} if they fit under the limit; else takes nothing and returns false. */
    boolean take(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void give(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes taken and not given back. */
    long used() {
        return used.get();
    }

    long limit() {
        return limit;
    }
}
