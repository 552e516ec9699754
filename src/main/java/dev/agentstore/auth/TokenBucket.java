package dev.agentstore.auth;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket of {@code burst} tokens refilled continuously at {@code rps} a second, shared by every event
 * loop: one {@link AtomicLong} and a compare-and-set, no lock. It keeps the time at which the bucket will be
 * full again (the generic cell rate algorithm's "theoretical arrival time"): a request takes one token's
 * worth of time, {@code 1 / rps} seconds, and is refused when that would put the full time more than
 * {@code burst} tokens' worth ahead of now.
 */
final class TokenBucket {
    private final long intervalNanos;
    private final long burstNanos;
    /** When the bucket is full again; at or before now: it is full. */
    private final AtomicLong fullAt;

    TokenBucket(double rps, int burst, long nowNanos) {
        this.intervalNanos = Math.max(1, Math.round(1e9 / rps));
        this.burstNanos = intervalNanos * burst;
        this.fullAt = new AtomicLong(nowNanos);
    }

    /**
     * Takes a token at {@code nowNanos} ({@link System#nanoTime}): 0 when one was there, else the nanoseconds
     * until one will be (and nothing is taken).
     */
    long take(long nowNanos) {
        while (true) {
            long full = fullAt.get();
            long next = (full - nowNanos > 0 ? full : nowNanos) + intervalNanos;
            long ahead = next - nowNanos;
            if (ahead > burstNanos) {
                return ahead - burstNanos;
            }
            if (fullAt.compareAndSet(full, next)) {
                return 0;
            }
        }
    }
}
