package dev.agentstore.http;

import dev.agentstore.metrics.Metrics;
import dev.agentstore.metrics.Stats;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/stats}: the live statistics that /dashboard draws, for a key with the admin scope, as /metrics.
 * The sampler ({@link Stats}) has already made the text; a request only writes it. Without meters it is a 404
 * that says so.
 */
final class StatsRoutes {
    private final Stats stats;

    StatsRoutes(Vertx vertx) {
        this.stats = Metrics.stats(vertx).orElse(null);
    }

    void mount(Api api) {
        api.admin().get("/api/stats", Query.NONE, this::stats);
    }

    private void stats(RoutingContext ctx) {
        if (stats == null) {
            Problems.send(ctx, 404, "metrics are off (metrics.enabled: false, or a Vert.x built without them)");
            return;
        }
        ctx.response().putHeader("Content-Type", "application/json").end(stats.json());
    }
}
