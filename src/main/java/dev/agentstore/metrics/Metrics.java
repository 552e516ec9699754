package dev.agentstore.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The meters of one Vert.x instance: a Prometheus registry that Vert.x reports its HTTP server and event bus
 * to, and that the store adds its pools, writers and files to. A Vert.x built without it (metrics off, or an
 * embedding application's own) has no meters and costs nothing for them.
 */
public final class Metrics {
    private static final String MAP = "agentstore.metrics";
    private static final String KEY = "registry";

    /**
     * Only labels whose values are bounded: the route's template (never {@link Label#HTTP_PATH}, where every
     * id would become a label value), the method and the status; the event-bus address (Vert.x leaves out the
     * reply addresses) and its side.
     */
    static final EnumSet<Label> LABELS = EnumSet.of(
            Label.HTTP_ROUTE,
            Label.HTTP_METHOD,
            Label.HTTP_CODE,
            Label.EB_ADDRESS,
            Label.EB_SIDE,
            Label.EB_FAILURE,
            Label.POOL_TYPE,
            Label.POOL_NAME);

    /**
     * The bucket bounds of every latency histogram (HTTP responses, store requests, commits): 0.5 ms to 60 s,
     * 16 buckets. Fixed bounds rather than Micrometer's percentile histogram (about 70 buckets a series): the
     * same quantiles to a factor of 2.5, at a quarter of the series.
     */
    public static final Duration[] LATENCY_BUCKETS = Stream.of(
                    0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1_000.0, 2_500.0, 5_000.0, 10_000.0,
                    30_000.0, 60_000.0)
            .map(ms -> Duration.ofNanos((long) (ms * 1_000_000)))
            .toArray(Duration[]::new);

    /** HTTP methods: any token is one, and a client must not be able to make label values up. */
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    private static final MeterFilter BOUNDED_METHODS =
            MeterFilter.replaceTagValues(Label.HTTP_METHOD.toString(), m -> METHODS.contains(m) ? m : "other");

    /** Buckets for the HTTP server's response time, the one Vert.x timer that histogram_quantile() is asked about. */
    private static final MeterFilter LATENCY_HISTOGRAM = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (!id.getName().equals("vertx.http.server.response.time")) {
                return config;
            }
            return DistributionStatisticConfig.builder()
                    .serviceLevelObjectives(Stream.of(LATENCY_BUCKETS)
                            .mapToDouble(Duration::toNanos)
                            .toArray())
                    .build()
                    .merge(config);
        }
    };

    /**
     * Each HTTP verticle instance registers the same connection gauge; vertx-micrometer backs them all with one
     * shared counter (LongGaugeBuilder), so the count is right, but Micrometer logs the second registration as a
     * WARNING ("This Gauge has been already registered"), one per start, about nothing wrong. Held here: JUL
     * keeps loggers weakly, and a collected one forgets its level.
     */
    private static final Logger REGISTRY_LOG = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

    private Metrics() {}

    /** A Vert.x with meters when {@code enabled}; else a plain one, with no metrics SPI at all. */
    public static Vertx vertx(boolean enabled) {
        if (!enabled) {
            return Vertx.vertx();
        }
        REGISTRY_LOG.setLevel(Level.SEVERE);
        // One registry name per instance: Vert.x keeps its registries in one static map, by name.
        String name = "agentstore-" + UUID.randomUUID();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(BOUNDED_METHODS).meterFilter(LATENCY_HISTOGRAM);
        MicrometerMetricsOptions options = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setRegistryName(name)
                .setLabels(LABELS)
                .setJvmMetricsEnabled(true)
                // The store's own timers (agentstore_bus_request_seconds) give each event-bus request's
                // latency by address and action; Vert.x's per-message counters, several a message, cost gets
                // more than all of that was worth (docs/PERFORMANCE.md).
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                // The requests' meters are HttpMeters', recorded by the server itself at each answer's end.
                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
                // Not publishQuantiles: it gives every distribution buckets, the byte counts too (thousands of
                // series); LATENCY_HISTOGRAM gives them to the response time alone.
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(options))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
        Stats stats = new Stats(registry);
        stats.start(vertx);
        vertx.sharedData()
                .<String, Holder>getLocalMap(MAP)
                .put(KEY, new Holder(registry, stats, new HttpMeters(registry)));
        return vertx;
    }

    /** The registry of a Vert.x built by {@link #vertx}; empty for any other. */
    public static Optional<PrometheusMeterRegistry> registry(Vertx vertx) {
        Holder h = vertx.sharedData().<String, Holder>getLocalMap(MAP).get(KEY);
        return Optional.ofNullable(h).map(Holder::registry);
    }

    /** The live statistics of a Vert.x built by {@link #vertx}, sampled every second; empty for any other. */
    public static Optional<Stats> stats(Vertx vertx) {
        Holder h = vertx.sharedData().<String, Holder>getLocalMap(MAP).get(KEY);
        return Optional.ofNullable(h).map(Holder::stats);
    }

    static Optional<HttpMeters> httpMeters(Vertx vertx) {
        Holder h = vertx.sharedData().<String, Holder>getLocalMap(MAP).get(KEY);
        return Optional.ofNullable(h).map(Holder::http);
    }

    /** A local map holds only immutable or Shareable values. */
    private record Holder(PrometheusMeterRegistry registry, Stats stats, HttpMeters http)
            implements io.vertx.core.shareddata.Shareable {}
}
