package dev.agentstore.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The live statistics of {@code GET /api/stats} and the dashboard: once a second the sampler reads the registry
 * ({@link Sample}), keeps the last {@value #INTERVALS} intervals, and publishes their rates, quantiles and
 * gauges as one JSON text (docs/api.md). Requests only read that text: the hot path pays nothing, a stats request
 * nothing but writing it, and the meters are the ones /metrics serves, so the two cannot disagree.
 *
 * <p>Quantiles come from the latency histograms' bucket counts of the interval, interpolated within a bucket as
 * Prometheus's {@code histogram_quantile} does: exact to the bucket ({@link Metrics#LATENCY_BUCKETS}), with no
 * per-request cost beyond the histogram that /metrics has anyway.
 */
public final class Stats {
    static final long INTERVAL_MS = 1_000;
    /** One minute of history: what a dashboard opened now shows at once. */
    static final int INTERVALS = 60;

    static final double[] BOUNDS_MS = Stream.of(Metrics.LATENCY_BUCKETS)
            .mapToDouble(d -> d.toNanos() / 1e6)
            .toArray();

    private final MeterRegistry registry;
    /** Written by the sampler, one ordered worker task at a time; read by {@link #json}; guarded by itself. */
    private final ArrayDeque<Sample> ring = new ArrayDeque<>();
    /** How many samples were taken; guarded by {@link #ring}. */
    private long taken;

    /** The JSON of the samples {@link #json} last rendered, and their count; null before the first call. */
    private record Rendered(long taken, String json) {}

    private volatile Rendered rendered;

    Stats(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Samples now and every {@value #INTERVAL_MS} ms until Vert.x closes, on a worker: a file size is a stat. */
    void start(Vertx vertx) {
        sample();
        vertx.setPeriodic(INTERVAL_MS, id -> vertx.executeBlocking(this::sample, true));
    }

    /**
     * The latest statistics, as JSON text. Rendered when asked for, at most once a sample: nobody watching costs
     * a sample a second and no JSON.
     */
    public String json() {
        Rendered r = rendered;
        List<Sample> samples;
        long n;
        synchronized (ring) {
            if (r != null && r.taken() == taken) {
                return r.json();
            }
            samples = new ArrayList<>(ring);
            n = taken;
        }
        r = new Rendered(n, render(samples).encode());
        rendered = r;
        return r.json();
    }

    private Void sample() {
        sample(System.currentTimeMillis(), System.nanoTime());
        return null;
    }

    void sample(long epochMs, long nanos) {
        Sample s = Sample.read(registry, epochMs, nanos);
        synchronized (ring) {
            ring.addLast(s);
            while (ring.size() > INTERVALS + 1) {
                ring.removeFirst();
            }
            taken++;
        }
    }

    /** The intervals between consecutive samples: rates over each, gauges at its end. */
    static JsonObject render(List<Sample> samples) {
        int n = Math.max(0, samples.size() - 1);
        JsonArray time = new JsonArray();
        Series requests = new Series();
        Series errors = new Series();
        Series unavailable = new Series();
        Series p50 = new Series();
        Series p99 = new Series();
        for (int i = 1; i <= n; i++) {
            Interval iv = new Interval(samples.get(i - 1), samples.get(i));
            time.add(iv.cur.epochMs());
            requests.add(iv.rate(op -> op.requests));
            errors.add(iv.rate(op -> op.errors));
            unavailable.add(iv.rate(op -> op.unavailable));
            double[] buckets = new double[BOUNDS_MS.length];
            long count = 0;
            for (Map.Entry<String, Sample.Operation> e : iv.cur.operations().entrySet()) {
                Sample.Operation before = iv.prev.operations().get(e.getKey());
                double[] d = delta(before == null ? null : before.buckets, e.getValue().buckets);
                for (int b = 0; b < d.length; b++) {
                    buckets[b] += d[b];
                }
                count += Math.max(0, e.getValue().requests - (before == null ? 0 : before.requests));
            }
            p50.add(quantile(0.50, buckets, count));
            p99.add(quantile(0.99, buckets, count));
        }
        Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        JsonObject http = new JsonObject()
                .put("requests_per_s", requests.json)
                .put("errors_5xx_per_s", errors.json)
                .put("unavailable_503_per_s", unavailable.json)
                .put("p50_ms", p50.json)
                .put("p99_ms", p99.json)
                .put("requests_total", total(last, op -> op.requests))
                .put("errors_5xx_total", total(last, op -> op.errors))
                .put("unavailable_503_total", total(last, op -> op.unavailable))
                .put("operations", operations(samples, last));
        return new JsonObject()
                .put("interval_ms", INTERVAL_MS)
                .put("time_ms", time)
                .put("http", http)
                .put("databases", databases(samples, last));
    }

    private static JsonObject operations(List<Sample> samples, Sample last) {
        JsonObject ops = new JsonObject();
        if (last == null) {
            return ops;
        }
        for (Map.Entry<String, Sample.Operation> e : last.operations().entrySet()) {
            String key = e.getKey();
            Series rate = new Series();
            Series p50 = new Series();
            Series p99 = new Series();
            for (int i = 1; i < samples.size(); i++) {
                Interval iv = new Interval(samples.get(i - 1), samples.get(i));
                Sample.Operation before = iv.prev.operations().get(key);
                Sample.Operation after = iv.cur.operations().get(key);
                long count = after == null ? 0 : after.requests - (before == null ? 0 : before.requests);
                rate.add(iv.perSecond(count));
                double[] buckets = delta(
                        before == null ? null : before.buckets,
                        after == null ? new double[BOUNDS_MS.length] : after.buckets);
                p50.add(quantile(0.50, buckets, count));
                p99.add(quantile(0.99, buckets, count));
            }
            ops.put(
                    key,
                    new JsonObject()
                            .put("requests_per_s", rate.json)
                            .put("p50_ms", p50.json)
                            .put("p99_ms", p99.json)
                            .put("requests_total", e.getValue().requests)
                            .put("errors_5xx_total", e.getValue().errors));
        }
        return ops;
    }

    private static JsonObject databases(List<Sample> samples, Sample last) {
        JsonObject dbs = new JsonObject();
        if (last == null) {
            return dbs;
        }
        for (Map.Entry<String, Sample.Database> e : last.databases().entrySet()) {
            String name = e.getKey();
            Series active = new Series();
            Series idle = new Series();
            Series awaiting = new Series();
            Series depth = new Series();
            Series commits = new Series();
            Series writes = new Series();
            Series batch = new Series();
            Series commitP99 = new Series();
            Series main = new Series();
            Series wal = new Series();
            for (int i = 1; i < samples.size(); i++) {
                Interval iv = new Interval(samples.get(i - 1), samples.get(i));
                Sample.Database before = iv.prev.databases().get(name);
                Sample.Database after = iv.cur.databases().get(name);
                if (after == null) {
                    Stream.of(active, idle, awaiting, depth, commits, writes, batch, commitP99, main, wal)
                            .forEach(s -> s.add(null));
                    continue;
                }
                active.add(after.poolActive);
                idle.add(after.poolIdle);
                awaiting.add(after.poolAwaiting);
                depth.add(after.queueDepth);
                commits.add(iv.perSecond(after.transactions - (before == null ? 0 : before.transactions)));
                writes.add(iv.perSecond(after.writesCommitted - (before == null ? 0 : before.writesCommitted)));
                long batches = after.batches - (before == null ? 0 : before.batches);
                double batched = after.batchedRequests - (before == null ? 0 : before.batchedRequests);
                batch.add(batches > 0 ? batched / batches : null);
                long commitCount = after.commits - (before == null ? 0 : before.commits);
                commitP99.add(quantile(
                        0.99, delta(before == null ? null : before.commitBuckets, after.commitBuckets), commitCount));
                main.add(after.mainBytes);
                wal.add(after.walBytes);
            }
            Sample.Database db = e.getValue();
            dbs.put(
                    name,
                    new JsonObject()
                            .put(
                                    "pool",
                                    new JsonObject()
                                            .put("active", active.json)
                                            .put("idle", idle.json)
                                            .put("awaiting", awaiting.json)
                                            .put("max", db.poolMax))
                            .put(
                                    "writer",
                                    new JsonObject()
                                            .put("queue_depth", depth.json)
                                            .put("queue_capacity", db.queueCapacity)
                                            .put("commits_per_s", commits.json)
                                            .put("writes_per_s", writes.json)
                                            .put("batch_size_mean", batch.json)
                                            .put("commit_p99_ms", commitP99.json))
                            .put(
                                    "files",
                                    new JsonObject()
                                            .put("main_bytes", main.json)
                                            .put("wal_bytes", wal.json)));
        }
        return dbs;
    }

    private static long total(Sample last, ToDoubleFunction<Sample.Operation> count) {
        return last == null
                ? 0
                : (long) last.operations().values().stream().mapToDouble(count).sum();
    }

    private static double[] delta(double[] before, double[] after) {
        double[] d = after.clone();
        if (before != null) {
            for (int i = 0; i < d.length; i++) {
                d[i] = Math.max(0, d[i] - before[i]);
            }
        }
        return d;
    }

    /**
     * The {@code q}-quantile in ms of {@code count} values whose cumulative counts at {@link #BOUNDS_MS} are
     * {@code buckets}: linear within the bucket the rank falls in (from 0 for the first), the highest bound for a
     * rank past it, as histogram_quantile does; null for no values.
     */
    static Double quantile(double q, double[] buckets, long count) {
        if (count <= 0) {
            return null;
        }
        double rank = q * count;
        double below = 0;
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i] >= rank) {
                double lower = i == 0 ? 0 : BOUNDS_MS[i - 1];
                double inBucket = buckets[i] - below;
                return inBucket <= 0 ? BOUNDS_MS[i] : lower + (BOUNDS_MS[i] - lower) * (rank - below) / inBucket;
            }
            below = buckets[i];
        }
        return BOUNDS_MS[BOUNDS_MS.length - 1];
    }

    /** Two consecutive samples. */
    private record Interval(Sample prev, Sample cur) {
        double seconds() {
            return Math.max(1, cur.nanos() - prev.nanos()) / 1e9;
        }

        /** A counter's growth per second; never negative (a meter removed and made again starts over). */
        double perSecond(double growth) {
            return Math.max(0, growth) / seconds();
        }

        double rate(ToDoubleFunction<Sample.Operation> count) {
            double growth = 0;
            for (Map.Entry<String, Sample.Operation> e : cur.operations().entrySet()) {
                Sample.Operation before = prev.operations().get(e.getKey());
                growth += Math.max(
                        0, count.applyAsDouble(e.getValue()) - (before == null ? 0 : count.applyAsDouble(before)));
            }
            return perSecond(growth);
        }
    }

    /** A column of the JSON: numbers to three decimals (whole ones without), null for no value. */
    private static final class Series {
        final JsonArray json = new JsonArray();

        void add(Double value) {
            if (value == null || value.isNaN() || value.isInfinite()) {
                json.addNull();
            } else {
                json.add(round(value));
            }
        }

        private static Number round(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                return (long) v;
            }
            return Math.round(v * 1000) / 1000.0;
        }
    }
}
