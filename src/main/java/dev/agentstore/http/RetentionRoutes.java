package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.ext.web.RoutingContext;

/**
 * Retention (admin): its settings with the run in progress and the last one, and a run started now. A run takes
 * as long as its rows: the POST answers 202 with the state, and the GET says when it is done.
 */
final class RetentionRoutes {
    private final StoreClient store;

    RetentionRoutes(StoreClient store) {
        this.store = store;
    }

    void mount(Api api) {
        Api admin = api.admin();
        admin.get("/api/admin/retention", Query.NONE, this::status);
        admin.post("/api/admin/retention", Query.NONE, this::run);
    }

    private void status(RoutingContext ctx) {
        Responses.json(ctx, store::retention, 200, r -> r);
    }

    private void run(RoutingContext ctx) {
        Responses.json(
                ctx,
                () -> {
                    for (String field : Requests.optionalJsonBody(ctx).fieldNames()) {
                        throw new Problems.BadRequest("POST /api/admin/retention takes no fields; got '" + field + "'");
                    }
                    return store.runRetention();
                },
                202,
                r -> {
                    ctx.response().putHeader("Location", "/api/admin/retention");
                    return r;
                });
    }
}
