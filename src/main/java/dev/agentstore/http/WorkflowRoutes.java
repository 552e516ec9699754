package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** The Python implementation's workflow endpoints, with its response fields. */
final class WorkflowRoutes {
    private final StoreClient store;

    WorkflowRoutes(StoreClient store) {
        this.store = store;
    }

    void mount(Router router) {
        router.post("/api/workflows").handler(this::create);
        router.get("/api/workflows").handler(this::list);
        router.get("/api/workflows/:id").handler(this::get);
        router.put("/api/workflows/:id").handler(this::update);
        router.get("/api/workflows/:id/history").handler(this::history);
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
        Responses.json(
                ctx,
                () -> {
                    Requests.onlyParams(ctx, Set.of("status", "limit", "offset"));
                    JsonObject query = new JsonObject();
                    Requests.stringParam(ctx, "status", query);
                    Requests.pageParams(ctx, query);
                    return store.listWorkflows(query);
                },
                200,
                r -> r);
    }

    private void history(RoutingContext ctx) {
        Responses.json(ctx, () -> store.workflowHistory(ctx.pathParam("id")), 200, r -> r);
    }
}
