package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.ext.web.RoutingContext;

/**
 * Backups (admin): start one, list them, follow one. A backup takes seconds to minutes, longer than a request
 * should wait: the POST answers 202 with the job, and {@code GET /api/admin/backups/:id} says when it is done.
 */
final class BackupRoutes {
    private final StoreClient store;

    BackupRoutes(StoreClient store) {
        this.store = store;
    }

    void mount(Api api) {
        Api admin = api.admin();
        admin.post("/api/admin/backups", Query.NONE, this::start);
        admin.get("/api/admin/backups", Query.NONE, this::list);
        admin.get("/api/admin/backups/:id", Query.NONE, this::get);
    }

    private void start(RoutingContext ctx) {
        Responses.json(ctx, () -> store.backup(Requests.optionalJsonBody(ctx)), 202, job -> {
            ctx.response().putHeader("Location", "/api/admin/backups/" + Responses.segment(job.getString("id")));
            return job;
        });
    }

    private void list(RoutingContext ctx) {
        Responses.json(ctx, store::listBackups, 200, r -> r);
    }

    private void get(RoutingContext ctx) {
        Responses.json(ctx, () -> store.getBackup(ctx.pathParam("id")), 200, r -> r);
    }
}
