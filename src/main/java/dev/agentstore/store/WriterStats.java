package dev.agentstore.store;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of one {@link GroupCommitWriter}: written by its thread (rejections by the submitting
 * one), read by the statistics. The JSON names are a public shape: docs/DATABASE.md, "Statistics".
 */
final class WriterStats {
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private volatile int largestBatch;

    void batch(int size) {
        largestBatch = Math.max(largestBatch, size);
    }

    void transactionCommitted(long rows) {
        transactions.incrementAndGet();
        rowsWritten.addAndGet(rows);
    }

    void answered(WriteOutcome outcome) {
        (outcome.ok() ? committed : failed).incrementAndGet();
    }

    void rejected() {
        rejected.incrementAndGet();
    }

    void connectionOpened() {
        connectionsOpened.incrementAndGet();
    }

    long connectionsOpened() {
        return connectionsOpened.get();
    }

    long requestsFailed() {
        return failed.get();
    }

    long requestsCommitted() {
        return committed.get();
    }

    long requestsRejected() {
        return rejected.get();
    }

    long transactions() {
        return transactions.get();
    }

    long rowsWritten() {
        return rowsWritten.get();
    }

    /** The counters, after the writer's gauges: its queue and the requests it holds. */
    JsonObject toJson(int queueDepth, int pending, int batchInProgress, int queueCapacity) {
        return new JsonObject()
                .put("queue_depth", queueDepth)
                .put("pending", pending)
                .put("batch_in_progress", batchInProgress)
                .put("queue_capacity", queueCapacity)
                .put("transactions", transactions.get())
                .put("requests_committed", committed.get())
                .put("requests_failed", failed.get())
                .put("requests_rejected", rejected.get())
                .put("rows_written", rowsWritten.get())
                .put("largest_batch", largestBatch)
                .put("connections_opened", connectionsOpened.get());
    }
}
