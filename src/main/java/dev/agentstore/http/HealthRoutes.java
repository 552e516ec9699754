package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * Health endpoints: the Python implementation's /api/health/db, and liveness and readiness in
 * vertx-health-check's standard format.
 */
final class HealthRoutes {
    private static final long READY_TIMEOUT_MS = 3_000;

    private final Vertx vertx;
    private final StoreClient store;

    HealthRoutes(Vertx vertx, StoreClient store) {
        this.vertx = vertx;
        this.store = store;
    }

    void mount(Api api) {
        api.get("/api/health/db", Query.NONE, this::db);
        HealthCheckHandler live = HealthCheckHandler.create(vertx);
        live.register("process", p -> p.complete(Status.OK()));
        api.get("/api/health/live", Query.NONE, live);
        HealthCheckHandler ready = HealthCheckHandler.create(vertx);
        ready.register(
                "store",
                READY_TIMEOUT_MS,
                p -> store.health()
                        .onSuccess(
                                h -> p.complete("healthy".equals(h.getString("status")) ? Status.OK(h) : Status.KO(h)))
                        .onFailure(err -> p.complete(Status.KO())));
        api.get("/api/health/ready", Query.NONE, ready);
    }

    /** 200 when every database is healthy, 503 (same body, status degraded) when one is not. */
    private void db(RoutingContext ctx) {
        store.health()
                .onSuccess(h -> ctx.response()
                        .setStatusCode("healthy".equals(h.getString("status")) ? 200 : 503)
                        .putHeader("Content-Type", "application/json")
                        .end(h.toBuffer()))
                .onFailure(err -> Problems.fail(ctx, err));
    }
}
