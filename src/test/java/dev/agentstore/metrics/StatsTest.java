package dev.agentstore.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of /api/stats on a real Prometheus registry, with meters named and bucketed as the server's
 * are, and samples taken at chosen instants so that every rate and quantile has one right value.
 */
@DisplayName("Stats: rates per second, quantiles from the histogram's buckets, 5xx and 503 counted apart")
class StatsTest {
    static final long SECOND = 1_000_000_000L;

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Stats stats = new Stats(registry);

    Timer http(String method, String route, String code) {
        return Timer.builder(Sample.HTTP_TIMER)
                .tags("route", route, "method", method, "code", code)
                .serviceLevelObjectives(Metrics.LATENCY_BUCKETS)
                .register(registry);
    }

    static void record(Timer t, int times, double ms) {
        for (int i = 0; i < times; i++) {
            t.record(Duration.ofNanos((long) (ms * 1e6)));
        }
    }

    JsonObject json() {
        return new JsonObject(stats.json());
    }

    @Test
    @DisplayName("before two samples there is no interval: empty columns, zero totals")
    void noIntervalYet() {
        JsonObject empty = json();
        assertEquals(1000, empty.getLong("interval_ms"));
        assertEquals(new JsonArray(), empty.getJsonArray("time_ms"));
        stats.sample(1_000, 0);
        JsonObject one = json();
        assertEquals(new JsonArray(), one.getJsonArray("time_ms"));
        assertEquals(0, one.getJsonObject("http").getLong("requests_total"));
    }

    @Test
    @DisplayName("requests per second are the interval's growth over its length, by operation and in all")
    void ratesPerSecond() {
        Timer ok = http("POST", "/api/workflows", "201");
        stats.sample(10_000, 0);
        record(ok, 30, 2);
        Timer missing = http("GET", "/api/workflows/:id", "404"); // first seen in the interval: it counts from 0
        record(missing, 10, 1);
        stats.sample(12_000, 2 * SECOND);
        JsonObject http = json().getJsonObject("http");
        assertEquals(new JsonArray().add(12_000L), json().getJsonArray("time_ms"));
        assertEquals(new JsonArray().add(20L), http.getJsonArray("requests_per_s"));
        JsonObject create = http.getJsonObject("operations").getJsonObject("POST /api/workflows");
        assertEquals(new JsonArray().add(15L), create.getJsonArray("requests_per_s"));
        assertEquals(30, create.getLong("requests_total"));
        assertEquals(
                new JsonArray().add(5L),
                http.getJsonObject("operations")
                        .getJsonObject("GET /api/workflows/:id")
                        .getJsonArray("requests_per_s"));
        assertEquals(40, http.getLong("requests_total"));
        assertEquals(new JsonArray().add(0L), http.getJsonArray("errors_5xx_per_s"));
    }

    @Test
    @DisplayName(
            "p50 and p99 are interpolated within the bucket their rank falls in, over the interval's requests only")
    void quantilesFromBuckets() {
        Timer t = http("GET", "/api/workflows", "200");
        record(t, 1_000, 4_000); // before the interval: must not weigh on its quantiles
        stats.sample(0, 0);
        record(t, 90, 0.7); // bucket (0.5, 1] ms
        record(t, 10, 7); // bucket (5, 10] ms
        stats.sample(1_000, SECOND);
        JsonObject op = json().getJsonObject("http").getJsonObject("operations").getJsonObject("GET /api/workflows");
        // rank 50 of 90 in (0.5, 1]: 0.5 + 0.5 * 50 / 90; rank 99: 9 of the 10 in (5, 10]
        assertEquals(0.778, op.getJsonArray("p50_ms").getDouble(0), 1e-9);
        assertEquals(9.5, op.getJsonArray("p99_ms").getDouble(0), 1e-9);
        JsonObject all = json().getJsonObject("http");
        assertEquals(9.5, all.getJsonArray("p99_ms").getDouble(0), 1e-9, "the one operation is all of them");

        stats.sample(2_000, 2 * SECOND);
        op = json().getJsonObject("http").getJsonObject("operations").getJsonObject("GET /api/workflows");
        assertNull(op.getJsonArray("p99_ms").getValue(1), "no requests in the second interval: no quantile");
        assertEquals(0L, op.getJsonArray("requests_per_s").getLong(1));
    }

    @Test
    @DisplayName("the quantiles of all requests are over every operation's buckets together")
    void quantilesOfAll() {
        Timer fast = http("GET", "/api/workflows/:id", "200");
        Timer slow = http("POST", "/api/workflows", "201");
        stats.sample(0, 0);
        record(fast, 50, 0.7);
        record(slow, 50, 7);
        stats.sample(1_000, SECOND);
        JsonObject all = json().getJsonObject("http");
        // rank 50 of 100: the last of the 50 in (0.5, 1]; rank 99: 49 of the 50 in (5, 10]
        assertEquals(1.0, all.getJsonArray("p50_ms").getDouble(0), 1e-9);
        assertEquals(9.9, all.getJsonArray("p99_ms").getDouble(0), 1e-9);
    }

    @Test
    @DisplayName("a latency past the last bucket is reported as the last bound, 60 s, as histogram_quantile does")
    void pastTheLastBucket() {
        double[] buckets = new double[Stats.BOUNDS_MS.length];
        assertEquals(60_000, Stats.quantile(0.99, buckets, 5));
        assertNull(Stats.quantile(0.5, buckets, 0));
    }

    @Test
    @DisplayName("5xx answers count as errors, 503s also apart; a 4xx is neither")
    void errorsAndUnavailable() {
        Timer unavailable = http("POST", "/api/workflows", "503");
        Timer failed = http("POST", "/api/workflows", "500");
        Timer refused = http("POST", "/api/workflows", "400");
        stats.sample(0, 0);
        record(unavailable, 4, 1);
        record(failed, 2, 1);
        record(refused, 8, 1);
        stats.sample(500, SECOND / 2);
        JsonObject http = json().getJsonObject("http");
        assertEquals(new JsonArray().add(12L), http.getJsonArray("errors_5xx_per_s"));
        assertEquals(new JsonArray().add(8L), http.getJsonArray("unavailable_503_per_s"));
        assertEquals(6, http.getLong("errors_5xx_total"));
        assertEquals(4, http.getLong("unavailable_503_total"));
        assertEquals(
                6,
                http.getJsonObject("operations")
                        .getJsonObject("POST /api/workflows")
                        .getLong("errors_5xx_total"));
    }

    @Test
    @DisplayName("a database's gauges are read at the interval's end, its writer's counters as rates and means")
    void databaseColumns() {
        Tags db = Tags.of("database", "workflow");
        AtomicLong active = new AtomicLong(3);
        AtomicLong wal = new AtomicLong(4096);
        Gauge.builder("agentstore.pool.connections.active", active, AtomicLong::get)
                .tags(db)
                .register(registry);
        Gauge.builder("agentstore.pool.connections.max", () -> 30).tags(db).register(registry);
        Gauge.builder("agentstore.database.file.size", wal, AtomicLong::get)
                .tags(db.and("file", "wal"))
                .register(registry);
        DistributionSummary batches = DistributionSummary.builder("agentstore.writer.batch.size")
                .tags(db)
                .register(registry);
        stats.sample(0, 0);
        batches.record(10);
        batches.record(30);
        active.set(7);
        wal.set(8192);
        stats.sample(1_000, SECOND);
        JsonObject w = json().getJsonObject("databases").getJsonObject("workflow");
        assertEquals(new JsonArray().add(7L), w.getJsonObject("pool").getJsonArray("active"));
        assertEquals(30, w.getJsonObject("pool").getLong("max"));
        assertEquals(new JsonArray().add(8192L), w.getJsonObject("files").getJsonArray("wal_bytes"));
        assertEquals(new JsonArray().add(20L), w.getJsonObject("writer").getJsonArray("batch_size_mean"));
    }

    @Test
    @DisplayName("the ring keeps the last 60 intervals")
    void keepsOneMinute() {
        for (int i = 0; i <= 100; i++) {
            stats.sample(i * 1_000L, i * SECOND);
        }
        JsonArray time = json().getJsonArray("time_ms");
        assertEquals(Stats.INTERVALS, time.size());
        assertEquals(100_000L, time.getLong(time.size() - 1));
        assertEquals(41_000L, time.getLong(0));
    }
}
