package dev.agentstore.support;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Waits for a condition that a background task makes true on its own schedule (Agroal's reaper, a
 * connection's max lifetime), checking every 50 ms up to a deadline. For outcomes of the test's own
 * actions, tests wait on the action's future instead.
 */
public final class Eventually {
    private Eventually() {}

    public static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
