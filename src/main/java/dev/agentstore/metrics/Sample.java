package dev.agentstore.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Map;
import java.util.TreeMap;

/**
 * The meters the dashboard shows, read at one instant: counters and histogram buckets as the cumulative counts
 * they are, gauges as they were. {@link Stats} turns two samples into the rates and quantiles of the interval
 * between them. Filled by {@link #read} on the sampler's thread and never changed after.
 *
 * @param operations by {@code "METHOD route-template"}, summed over the status codes
 * @param databases by database name
 */
record Sample(long epochMs, long nanos, Map<String, Operation> operations, Map<String, Database> databases) {
    static final String HTTP_TIMER = "vertx.http.server.response.time";

    /** One operation: its requests, those answered 5xx and 503, and its latency buckets (cumulative counts). */
    static final class Operation {
        long requests;
        long errors;
        long unavailable;
        final double[] buckets = new double[Stats.BOUNDS_MS.length];
    }

    /** One database's pool, writer and files. */
    static final class Database {
        double poolActive;
        double poolIdle;
        double poolAwaiting;
        double poolMax;
        double queueDepth;
        double queueCapacity;
        double transactions;
        double writesCommitted;
        long batches;
        double batchedRequests;
        long commits;
        final double[] commitBuckets = new double[Stats.BOUNDS_MS.length];
        double mainBytes;
        double walBytes;
    }

    /** One pass over the registry's meters; gauges read atomics and file lengths only (StoreMeters). */
    static Sample read(MeterRegistry registry, long epochMs, long nanos) {
        Map<String, Operation> operations = new TreeMap<>();
        Map<String, Database> databases = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName();
            if (name.equals(HTTP_TIMER) && m instanceof Timer t) {
                String route = m.getId().getTag("route");
                String key =
                        m.getId().getTag("method") + " " + (route == null || route.isEmpty() ? "(no route)" : route);
                Operation op = operations.computeIfAbsent(key, k -> new Operation());
                HistogramSnapshot h = t.takeSnapshot();
                String code = String.valueOf(m.getId().getTag("code"));
                op.requests += h.count();
                op.errors += code.startsWith("5") ? h.count() : 0;
                op.unavailable += code.equals("503") ? h.count() : 0;
                add(op.buckets, h);
            } else if (name.startsWith("agentstore.") && m.getId().getTag("database") != null) {
                database(databases.computeIfAbsent(m.getId().getTag("database"), k -> new Database()), m);
            }
        }
        return new Sample(epochMs, nanos, operations, databases);
    }

    private static void database(Database db, Meter m) {
        String name = m.getId().getName();
        double value = m instanceof Gauge g ? g.value() : m instanceof FunctionCounter c ? c.count() : Double.NaN;
        switch (name) {
            case "agentstore.pool.connections.active" -> db.poolActive = value;
            case "agentstore.pool.connections.idle" -> db.poolIdle = value;
            case "agentstore.pool.awaiting" -> db.poolAwaiting = value;
            case "agentstore.pool.connections.max" -> db.poolMax = value;
            case "agentstore.writer.queue.depth" -> db.queueDepth = value;
            case "agentstore.writer.queue.capacity" -> db.queueCapacity = value;
            case "agentstore.writer.transactions" -> db.transactions = value;
            case "agentstore.writer.requests" -> {
                if ("committed".equals(m.getId().getTag("outcome"))) {
                    db.writesCommitted = value;
                }
            }
            case "agentstore.writer.batch.size" -> {
                if (m instanceof DistributionSummary s) {
                    HistogramSnapshot h = s.takeSnapshot();
                    db.batches = h.count();
                    db.batchedRequests = h.total();
                }
            }
            case "agentstore.writer.commit" -> {
                if (m instanceof Timer t) {
                    HistogramSnapshot h = t.takeSnapshot();
                    db.commits = h.count();
                    add(db.commitBuckets, h);
                }
            }
            case "agentstore.database.file.size" -> {
                if ("wal".equals(m.getId().getTag("file"))) {
                    db.walBytes = value;
                } else {
                    db.mainBytes = value;
                }
            }
            default -> {}
        }
    }

    /** Adds a timer's cumulative bucket counts to {@code into}, bucket by bucket; other bounds than ours are left out. */
    private static void add(double[] into, HistogramSnapshot h) {
        CountAtBucket[] counts = h.histogramCounts();
        if (counts.length != into.length) {
            return;
        }
        for (int i = 0; i < counts.length; i++) {
            into[i] += counts[i].count();
        }
    }
}
