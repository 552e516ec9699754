package dev.agentstore.store;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Whether the writer's last write reached the disk. A failure of the storage itself (full, I/O error,
 * read-only, cannot open: {@link SqliteErrors#storageFailure}) makes the database degraded, and its
 * readiness DOWN, until a write commits again, a client's or the writer's own probe. A request's own
 * failure (400, 404, 409) or a lock held elsewhere (busy) says nothing about the storage and changes
 * nothing here. Written by the writer thread, read by the health check.
 */
final class WriterHealth {
    private static final Logger LOG = Logger.getLogger(WriterHealth.class.getName());
    /** While failing, an idle writer probes this often: with readiness DOWN, clients may send nothing. */
    static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private volatile String failure;
    private volatile String since;
    private long lastAttemptNanos = System.nanoTime();

    WriterHealth(String name) {
        this.name = name;
    }

    /** A write failed because of the storage: {@code cause} names it (null: not the storage's fault, the last cause stands). */
    void failed(String cause) {
        lastAttemptNanos = System.nanoTime();
        if (cause == null) {
            return;
        }
        if (failure == null) {
            since = Timestamps.now();
            LOG.warning("database " + name + ": writes fail: " + cause
                    + "; the database is degraded until a write succeeds");
        }
        failure = cause;
    }

    /** A transaction committed: the storage takes writes. */
    void succeeded() {
        lastAttemptNanos = System.nanoTime();
        if (failure != null) {
            failure = null;
            LOG.info("database " + name + ": writes succeed again");
        }
    }

    /** True when the last write failed and none was tried for a second: time for the probe. */
    boolean probeDue() {
        return failure != null && System.nanoTime() - lastAttemptNanos > PROBE_INTERVAL_NANOS;
    }

    /** Null while writes reach the disk; else why not, for the health report. */
    String problem() {
        String cause = failure;
        return cause == null
                ? null
                : "writes fail: " + cause + ", since " + since
                        + "; healthy again once a write succeeds (the writer tries one every second)";
    }
}
