package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The Python implementation's workflow endpoints, with its response fields; PATCH (JSON Merge Patch), ETags and
 * idempotency keys beside them (docs/api.md).
 */
final class WorkflowRoutes {
    static final String MERGE_PATCH = "application/merge-patch+json";

    private final StoreClient store;
    private final Writes writes;

    WorkflowRoutes(StoreClient store, Writes writes) {
        this.store = store;
        this.writes = writes;
    }

    void mount(Api api) {
        api.post("/api/workflows", Query.NONE, this::create);
        api.get("/api/workflows", Query.PAGE.text("status"), this::list);
        api.get("/api/workflows/:id", Query.NONE, this::get);
        api.put("/api/workflows/:id", Query.NONE, this::update);
        api.patch("/api/workflows/:id", MERGE_PATCH + ", " + ContentTypes.JSON, Query.NONE, this::patch);
        api.get("/api/workflows/:id/history", Query.PAGE, this::history);
    }

    private void create(RoutingContext ctx) {
        Writes.write(
                ctx,
                options -> store.createWorkflow(Requests.jsonBody(ctx), options),
                r -> 201,
                wf -> {
                    ctx.response().putHeader("Location", "/api/workflows/" + Responses.segment(wf.getString("id")));
                    return new JsonObject()
                            .put("id", wf.getString("id"))
                            .put("status", "created")
                            .put("workflow_name", wf.getString("workflow_name"))
                            .put("workflow", wf);
                },
                WorkflowRoutes::version);
    }

    private void get(RoutingContext ctx) {
        Writes.entity(ctx, () -> store.getWorkflow(ctx.pathParam("id")), Writes.versionTag("version"));
    }

    /** PUT: the Python meaning, a field left out or null is left as it is. */
    private void update(RoutingContext ctx) {
        Writes.write(
                ctx,
                options -> {
                    JsonObject body = Requests.withoutPathField(Requests.jsonBody(ctx), "id");
                    return store.updateWorkflow(
                            ctx.pathParam("id"), writes.withIfMatch(ctx, body, "expected_version"), options);
                },
                r -> 200,
                WorkflowRoutes::updated,
                WorkflowRoutes::version);
    }

    /**
     * PATCH: a JSON Merge Patch (RFC 7396), sent as {@code application/merge-patch+json} or as
     * {@code application/json} (the same document: a client that names the plain type means no other format).
     */
    private void patch(RoutingContext ctx) {
        Writes.write(
                ctx,
                options ->
                        store.patchWorkflow(ctx.pathParam("id"), Requests.jsonBody(ctx), writes.ifMatch(ctx), options),
                r -> 200,
                WorkflowRoutes::updated,
                WorkflowRoutes::version);
    }

    private static JsonObject updated(JsonObject wf) {
        return new JsonObject()
                .put("id", wf.getString("id"))
                .put("status", "updated")
                .put("workflow", wf);
    }

    private static Long version(JsonObject wf) {
        return wf.getLong("version");
    }

    private void list(RoutingContext ctx) {
        Responses.query(ctx, store::listWorkflows);
    }

    private void history(RoutingContext ctx) {
        Responses.query(ctx, query -> store.workflowHistory(ctx.pathParam("id"), query));
    }
}
