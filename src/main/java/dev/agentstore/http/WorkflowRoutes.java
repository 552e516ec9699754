package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The Python implementation's workflow endpoints, with its response fields. */
final class WorkflowRoutes {
    private final StoreClient store;

    WorkflowRoutes(StoreClient store) {
        this.store = store;
    }

    void mount(Api api) {
        api.post("/api/workflows", Query.NONE, this::create);
        api.get("/api/workflows", Query.PAGE.text("status"), this::list);
        api.get("/api/workflows/:id", Query.NONE, this::get);
        api.put("/api/workflows/:id", Query.NONE, this::update);
        api.get("/api/workflows/:id/history", Query.NONE, this::history);
    }

    private void create(RoutingContext ctx) {
        Responses.json(ctx, () -> store.createWorkflow(Requests.jsonBody(ctx)), 201, wf -> {
            ctx.response().putHeader("Location", "/api/workflows/" + wf.getString("id"));
            return new JsonObject()
                    .put("id", wf.getString("id"))
                    .put("status", "created")
                    .put("workflow_name", wf.getString("workflow_name"))
                    .put("workflow", wf);
        });
    }

    private void get(RoutingContext ctx) {
        Responses.json(ctx, () -> store.getWorkflow(ctx.pathParam("id")), 200, wf -> wf);
    }

    private void update(RoutingContext ctx) {
        Responses.json(
                ctx,
                () -> store.updateWorkflow(
                        ctx.pathParam("id"), Requests.withoutPathField(Requests.jsonBody(ctx), "id")),
                200,
                wf -> new JsonObject()
                        .put("id", wf.getString("id"))
                        .put("status", "updated")
                        .put("workflow", wf));
    }

    private void list(RoutingContext ctx) {
        Responses.query(ctx, store::listWorkflows);
    }

    private void history(RoutingContext ctx) {
        Responses.json(ctx, () -> store.workflowHistory(ctx.pathParam("id")), 200, r -> r);
    }
}
