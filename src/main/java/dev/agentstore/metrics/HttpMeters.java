package dev.agentstore.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server's request meters, under the names and labels vertx-micrometer gives them
 * ({@code vertx_http_server_requests_total} and {@code vertx_http_server_response_time_seconds}, by
 * {@code route}, {@code method}, {@code code}), recorded by the server itself when an answer ends. Vert.x's own
 * HTTP server metrics are off ({@link Metrics#vertx}): they built the tags and looked several meters up in the
 * registry for each request (its begin, its end, its response's end), and that cost a get a fifth of its
 * throughput (docs/PERFORMANCE.md). Here a request costs one map lookup for its route, method and status, and
 * the meters are registered once each.
 */
public final class HttpMeters {
    /** HTTP methods: any token is one, and a client must not be able to make label values up. */
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    private record Key(String route, String method, int code) {}

    private record Meters(Counter requests, Timer time) {}

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();

    HttpMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of a Vert.x built by {@link Metrics#vertx}; empty for any other. */
    public static Optional<HttpMeters> of(Vertx vertx) {
        return Metrics.httpMeters(vertx);
    }

    /**
     * One answered request: {@code route} is the template that took it ({@code ""} when none did), {@code code}
     * its status, {@code nanos} from its head to its answer's end.
     */
    public void record(String route, String method, int code, long nanos) {
        String m = METHODS.contains(method) ? method : "other";
        Meters found = meters.get(new Key(route, m, code));
        if (found == null) {
            found = meters.computeIfAbsent(new Key(route, m, code), this::register);
        }
        found.requests().increment();
        found.time().record(nanos, TimeUnit.NANOSECONDS);
    }

    private Meters register(Key k) {
        String code = Integer.toString(k.code());
        return new Meters(
                Counter.builder("vertx.http.server.requests")
                        .description("Number of processed requests")
                        .tag("route", k.route())
                        .tag("method", k.method())
                        .tag("code", code)
                        .register(registry),
                Timer.builder("vertx.http.server.response.time")
                        .description("Request processing time")
                        .tag("route", k.route())
                        .tag("method", k.method())
                        .tag("code", code)
                        .register(registry));
    }
}
