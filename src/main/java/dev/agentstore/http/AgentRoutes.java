package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Versions of generated agents: save one, get one, get the latest active one, list an agent's versions,
 * list agents, activate or deactivate a version (to roll a bad release back).
 */
final class AgentRoutes {
    private final StoreClient store;
    private final Writes writes;

    AgentRoutes(StoreClient store, Writes writes) {
        this.store = store;
        this.writes = writes;
    }

    void mount(Api api) {
        api.get("/api/agents", Query.PAGE, this::list);
        api.get("/api/agents/:name", Query.NONE, this::latest);
        api.post("/api/agents/:name/versions", Query.NONE, this::save);
        api.get("/api/agents/:name/versions", Query.PAGE.bool("include_code"), this::versions);
        api.get("/api/agents/:name/versions/:version", Query.NONE, this::get);
        api.put("/api/agents/:name/versions/:version", Query.NONE, this::setActive);
        api.patch("/api/agents/:name/versions/:version", Query.NONE, this::setActive);
    }

    private void save(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Writes.write(
                ctx,
                options -> store.saveAgentVersion(
                        Requests.withoutPathField(Requests.jsonBody(ctx), "agent_name")
                                .put("agent_name", name),
                        options),
                v -> 201,
                v -> {
                    ctx.response()
                            .putHeader(
                                    "Location",
                                    "/api/agents/" + Responses.segment(name) + "/versions/"
                                            + Responses.segment(v.getString("version")));
                    return new JsonObject()
                            .put("id", v.getLong("id"))
                            .put("status", "created")
                            .put("agent_name", name)
                            .put("version", v.getString("version"))
                            .put("agent_version", v);
                },
                AgentRoutes::rowVersion);
    }

    private static Long rowVersion(JsonObject v) {
        return v.getLong("row_version");
    }

    private void get(RoutingContext ctx) {
        Writes.entity(
                ctx,
                () -> store.getAgentVersion(ctx.pathParam("name"), ctx.pathParam("version")),
                Writes.versionTag("row_version"));
    }

    private void latest(RoutingContext ctx) {
        // Which version is the latest changes (a new one saved, the latest deactivated) while each starts at
        // row_version 1: the tag names the version too, so that a cached latest is never taken for another.
        Writes.entity(
                ctx,
                () -> store.latestAgentVersion(ctx.pathParam("name")),
                v -> "\"" + v.getLong("id") + "-" + v.getLong("row_version") + "\"");
    }

    private void versions(RoutingContext ctx) {
        Responses.query(ctx, query -> store.listAgentVersions(ctx.pathParam("name"), query));
    }

    private void list(RoutingContext ctx) {
        Responses.query(ctx, store::listAgents);
    }

    /** PUT or PATCH {@code {"is_active": true|false}}, with If-Match on its row_version. */
    private void setActive(RoutingContext ctx) {
        Writes.write(
                ctx,
                options -> {
                    JsonObject body = Requests.jsonBody(ctx);
                    Requests.withoutPathField(body, "agent_name");
                    Requests.withoutPathField(body, "version");
                    body = writes.withIfMatch(ctx, body, "expected_row_version");
                    return store.setAgentVersionActive(ctx.pathParam("name"), ctx.pathParam("version"), body, options);
                },
                v -> 200,
                v -> v,
                AgentRoutes::rowVersion);
    }
}
