package dev.agentstore.store;

import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.metrics.Metrics;
import dev.agentstore.store.migration.Migrations;
import io.agroal.api.AgroalDataSourceMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one database, tagged {@code database=<name>}: its read pool (Agroal's own counters), its
 * writer, its files and its schema version. Every gauge reads a counter, an atomic or a file's length: none
 * runs SQL or blocks, since a scrape may read them from any thread. The names and what to alert on are in
 * docs/operations.md.
 */
final class StoreMeters {
    private StoreMeters() {}

    /** The meters registered for one database; {@link #close} removes them from the registry. */
    record Registered(MeterRegistry registry, List<Meter> meters) implements AutoCloseable {
        @Override
        public void close() {
            meters.forEach(registry::remove);
        }
    }

    static Registered register(
            MeterRegistry registry, DatabaseConfig config, ReadPool reads, GroupCommitWriter writer) {
        Tags tags = Tags.of("database", config.name());
        List<Meter> meters = new ArrayList<>();
        Builder b = new Builder(registry, tags, meters);
        AgroalDataSourceMetrics pool = reads.metrics();
        b.gauge("agentstore.pool.connections.active", "read connections in use", pool::activeCount);
        b.gauge("agentstore.pool.connections.idle", "read connections open and free", pool::availableCount);
        b.gauge("agentstore.pool.connections.max.used", "most read connections in use at once", pool::maxUsedCount);
        b.gauge("agentstore.pool.connections.max", "pool_size + max_overflow", config::maxConnections);
        b.gauge("agentstore.pool.awaiting", "reads waiting for a connection", pool::awaitingCount);
        b.gauge(
                "agentstore.pool.acquire.wait.max.seconds",
                "longest wait for a connection",
                () -> seconds(pool.blockingTimeMax()));
        b.counter(
                "agentstore.pool.acquisitions", "connections handed out", pool, AgroalDataSourceMetrics::acquireCount);
        b.counter(
                "agentstore.pool.acquire.wait.seconds",
                "time spent waiting for a connection, summed",
                pool,
                m -> seconds(m.blockingTimeTotal()));
        b.counter("agentstore.pool.connections.opened", "read connections opened", pool, m -> m.creationCount());
        b.counter("agentstore.pool.connections.destroyed", "read connections closed", pool, m -> m.destroyCount());
        b.counter("agentstore.pool.connections.reaped", "idle overflow connections closed", pool, m -> m.reapCount());
        b.counter(
                "agentstore.pool.leaks.detected",
                "connections held past leak_threshold_s",
                pool,
                m -> m.leakDetectionCount());
        b.counter(
                "agentstore.reads.rejected",
                "reads refused with 503: reader queue full",
                reads,
                r -> r.readsRejected());
        b.gauge("agentstore.reader.queue.depth", "reads waiting for a reader thread", reads::readerQueueDepth);
        b.gauge("agentstore.reader.queue.capacity", "reader_queue_capacity", config::readerQueueCapacity);

        WriterStats w = writer.counters();
        b.gauge("agentstore.writer.queue.depth", "write requests waiting for the writer", writer::queueDepth);
        b.gauge("agentstore.writer.queue.capacity", "writer_queue_capacity", writer::queueCapacity);
        b.gauge("agentstore.writer.pending", "write requests accepted and not yet answered", writer::pending);
        for (String outcome : List.of("committed", "failed", "rejected")) {
            ToDoubleFunction<WriterStats> count = switch (outcome) {
                case "committed" -> WriterStats::requestsCommitted;
                case "failed" -> WriterStats::requestsFailed;
                default -> WriterStats::requestsRejected;
            };
            meters.add(FunctionCounter.builder("agentstore.writer.requests", w, count)
                    .description("write requests answered: committed, failed, or rejected at once (queue full)")
                    .tags(tags.and("outcome", outcome))
                    .register(registry));
        }
        b.counter("agentstore.writer.transactions", "transactions committed", w, WriterStats::transactions);
        b.counter("agentstore.writer.rows.written", "rows written", w, WriterStats::rowsWritten);
        DistributionSummary batches = DistributionSummary.builder("agentstore.writer.batch.size")
                .description("write requests in one transaction")
                .tags(tags)
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 10_000)
                .register(registry);
        Timer commits = Timer.builder("agentstore.writer.commit")
                .description("one group-commit transaction, begin to commit")
                .tags(tags)
                .serviceLevelObjectives(Metrics.LATENCY_BUCKETS)
                .register(registry);
        meters.add(batches);
        meters.add(commits);
        writer.measure(batches, commits);

        File main = config.path().toAbsolutePath().toFile();
        File wal = new File(main.getPath() + "-wal");
        meters.add(fileSize(registry, tags.and("file", "main"), main));
        meters.add(fileSize(registry, tags.and("file", "wal"), wal));
        // Open migrated the file to the latest version, or refused it: the gauge needs no query.
        int version = Migrations.classpath().latest();
        b.gauge("agentstore.database.schema.version", "the schema version the file was migrated to", () -> version);
        return new Registered(registry, List.copyOf(meters));
    }

    /** {@link File#length}: a stat, no open; 0 for a file that is not there (no -wal after a checkpoint). */
    private static Gauge fileSize(MeterRegistry registry, Tags tags, File file) {
        return Gauge.builder("agentstore.database.file.size", file::length)
                .description("size of the database file (main) or its write-ahead log (wal)")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private record Builder(MeterRegistry registry, Tags tags, List<Meter> meters) {
        void gauge(String name, String description, Supplier<Number> value) {
            meters.add(Gauge.builder(name, value)
                    .description(description)
                    .tags(tags)
                    .register(registry));
        }

        <T> void counter(String name, String description, T state, ToDoubleFunction<T> count) {
            meters.add(FunctionCounter.builder(name, state, count)
                    .description(description)
                    .tags(tags)
                    .register(registry));
        }
    }
}
