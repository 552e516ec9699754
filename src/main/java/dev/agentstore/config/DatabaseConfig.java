package dev.agentstore.config;

import java.nio.file.Path;

/**
 * One SQLite database and its connection pool. The first five keys are the Python implementation's and
 * keep their names and units.
 *
 * @param name the section name under {@code database} (workflow, agent_versions)
 * @param path the SQLite file; its directory is created
 * @param poolSize read connections opened at start and kept
 * @param maxOverflow extra read connections opened under load, closed again when idle
 * @param poolTimeoutS seconds a request waits for a connection before it fails with 503
 * @param poolRecycleS seconds after which a connection is replaced
 * @param idleTimeoutS seconds an overflow connection may stay idle before it is closed
 * @param leakThresholdS seconds a connection may be held before a warning names its holder (0: never)
 * @param synchronous SQLite's synchronous pragma for the writer: FULL (durable on power loss) or NORMAL
 * @param writerBatchMax most write requests committed in one transaction (group commit)
 * @param writerQueueCapacity write requests that may wait for the writer; more get 503
 * @param readerQueueCapacity reads that may wait for a reader thread; more get 503
 * @param writeTimeoutMs not a key: computed from {@code http.request_timeout_ms} (it minus the lesser of
 *     5 s and half of it). A write still queued this long after it arrived is failed with 503 and never
 *     written, so that a client that timed out and was told to retry never finds its write done later
 */
public record DatabaseConfig(
        String name,
        Path path,
        int poolSize,
        int maxOverflow,
        int poolTimeoutS,
        int poolRecycleS,
        int idleTimeoutS,
        int leakThresholdS,
        String synchronous,
        int writerBatchMax,
        int writerQueueCapacity,
        int readerQueueCapacity,
        long writeTimeoutMs) {

    public int maxConnections() {
        return poolSize + maxOverflow;
    }
}
