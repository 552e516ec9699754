package dev.agentstore.http;

import dev.agentstore.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: every meter of the server in Prometheus text format 0.0.4, for a key with the admin
 * scope. The meters are the Vert.x instance's ({@link Metrics}); without them (metrics.enabled false, or an
 * embedding application's own Vert.x) the route is a 404 that says so.
 */
final class MetricsRoutes {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;

    MetricsRoutes(Vertx vertx) {
        this.vertx = vertx;
        this.registry = Metrics.registry(vertx).orElse(null);
    }

    void mount(Api api) {
        api.admin().get("/metrics", Query.NONE, this::scrape);
    }

    private void scrape(RoutingContext ctx) {
        if (registry == null) {
            Problems.send(ctx, 404, "metrics are off (metrics.enabled: false, or a Vert.x built without them)");
            return;
        }
        // On a worker: a scrape formats every meter and its histogram buckets, tens of kilobytes.
        vertx.executeBlocking(registry::scrape, false)
                .onSuccess(text -> ctx.response()
                        .putHeader("Content-Type", CONTENT_TYPE)
                        .putHeader("Cache-Control", "no-store")
                        .end(text))
                .onFailure(err -> Problems.fail(ctx, err));
    }
}
