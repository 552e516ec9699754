package dev.agentstore.http;

import dev.agentstore.auth.Scope;
import dev.agentstore.bus.StoreClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * Health endpoints: the Python implementation's /api/health/db, and liveness and readiness in
 * vertx-health-check's standard format. All three are open, for probes; what they tell an anonymous caller is
 * the status alone: the detail of /api/health/db (file paths, pool and writer statistics, errors) is for a key
 * with the admin scope.
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
        Api open = api.open();
        open.get("/api/health/db", Query.NONE, this::db);
        HealthCheckHandler live = HealthCheckHandler.create(vertx);
        live.register("process", p -> p.complete(Status.OK()));
        open.get("/api/health/live", Query.NONE, live);
        HealthCheckHandler ready = HealthCheckHandler.create(vertx);
        // The status only: the health reply names files and pools, and readiness answers anyone.
        ready.register(
                "store",
                READY_TIMEOUT_MS,
                p -> store.health()
                        .onSuccess(h -> {
                            JsonObject status = statusOnly(h);
                            p.complete("healthy".equals(h.getString("status")) ? Status.OK(status) : Status.KO(status));
                        })
                        .onFailure(err -> p.complete(Status.KO())));
        open.get("/api/health/ready", Query.NONE, ready);
    }

    /**
     * 200 when every database is healthy, 503 (status degraded) when one is not; the whole report for a caller
     * with the admin scope, {@code {"status": ...}} for anyone else.
     */
    private void db(RoutingContext ctx) {
        store.health()
                .onSuccess(h -> ctx.response()
                        .setStatusCode("healthy".equals(h.getString("status")) ? 200 : 503)
                        .putHeader("Content-Type", "application/json")
                        .end((Gate.allows(ctx, Scope.ADMIN) ? h : statusOnly(h)).toBuffer()))
                .onFailure(err -> Problems.fail(ctx, err));
    }

    private static JsonObject statusOnly(JsonObject health) {
        return new JsonObject().put("status", health.getString("status"));
    }
}
