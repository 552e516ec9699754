package dev.agentstore.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The HTTP server's meters, under the names vertx-micrometer gives them, recorded by the server itself:
 * {@code vertx_http_server_response_time_seconds}, a histogram by {@code route}, {@code method} and {@code code}
 * whose {@code _count} is the requests answered, recorded when an answer ends, and
 * {@code vertx_http_server_active_connections}, read from the connection guard's count when scraped. Vert.x's
 * own HTTP server metrics are off ({@link Metrics#vertx}): they built the tags and looked several meters up in
 * the registry for each request (its begin, its end, its response's end), and with them and the access log on a
 * get lost a fifth of its throughput (docs/PERFORMANCE.md). Here a request costs one map lookup for its route,
 * method and status and one timer record; a timer is registered once for each of those.
 */
public final class HttpMeters {
    /** HTTP methods: any token is one, and a client must not be able to make label values up. */
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    /**
     * A timer's labels. Not a record: a record's hashCode and equals go through a method handle, and with the
     * lookup once a request they were half of its cost; here the route is compared by identity first (it is the
     * route's own string, the same each time) and the hash is made once.
     */
    private static final class Key {
        final String route;
        final String method;
        final int code;
        final int hash;

        Key(String route, String method, int code) {
            this.route = route;
            this.method = method;
            this.code = code;
            this.hash = (route.hashCode() * 31 + method.hashCode()) * 31 + code;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && k.hash == hash
                    && k.code == code
                    && (k.route == route || k.route.equals(route))
                    && (k.method == method || k.method.equals(method));
        }
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    HttpMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of a Vert.x built by {@link Metrics#vertx}; empty for any other. */
    public static Optional<HttpMeters> of(Vertx vertx) {
        return Metrics.httpMeters(vertx);
    }

    /**
     * The open connections, as {@code count} (shared by every HTTP verticle of the Vert.x instance) says; the
     * first call registers the gauge, a later one changes nothing.
     */
    public void connections(Supplier<? extends Number> count) {
        Gauge.builder(
                        "vertx.http.server.active.connections",
                        count,
                        c -> c.get().doubleValue())
                .description("Number of opened connections to the server")
                .strongReference(true) // a gauge holds its object weakly, and nothing else holds this one
                .register(registry);
    }

    /**
     * The event streams: {@code open} now, the events they hold for slow clients ({@code pending}), and those
     * closed because a client read too slowly ({@code overflowed}); each shared by every HTTP verticle.
     */
    public void streams(Supplier<? extends Number> open, Supplier<? extends Number> pending, AtomicLong overflowed) {
        Gauge.builder("agentstore.http.streams.open", open, c -> c.get().doubleValue())
                .description("server-sent-event streams open (/api/changes/stream, /api/workflows/{id}/watch)")
                .strongReference(true)
                .register(registry);
        Gauge.builder(
                        "agentstore.http.streams.pending.events",
                        pending,
                        c -> c.get().doubleValue())
                .description("events the open streams hold for clients that read slower than changes come")
                .strongReference(true)
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "agentstore.http.streams.overflowed", overflowed, AtomicLong::doubleValue)
                .description("streams closed because their client fell http.stream_max_pending events behind")
                .register(registry);
    }

    /**
     * One answered request: {@code route} is the template that took it ({@code ""} when none did), {@code code}
     * its status, {@code nanos} from its head to its answer's end.
     */
    public void record(String route, String method, int code, long nanos) {
        String m = METHODS.contains(method) ? method : "other";
        Key key = new Key(route, m, code);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, this::register);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer register(Key k) {
        return Timer.builder("vertx.http.server.response.time")
                .description("Request processing time")
                .tag("route", k.route)
                .tag("method", k.method)
                .tag("code", Integer.toString(k.code))
                .register(registry);
    }
}
