package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Versions of generated agents: save one, get one, get the latest active one, list an agent's versions,
 * list agents, activate or deactivate a version (to roll a bad release back).
 */
final class AgentRoutes {
    private final StoreClient store;

    AgentRoutes(StoreClient store) {
        this.store = store;
    }

    void mount(Router router) {
        router.get("/api/agents").handler(this::list);
        router.get("/api/agents/:name").handler(this::latest);
        router.post("/api/agents/:name/versions").handler(this::save);
        router.get("/api/agents/:name/versions").handler(this::versions);
        router.get("/api/agents/:name/versions/:version").handler(this::get);
        router.put("/api/agents/:name/versions/:version").handler(this::setActive);
        router.patch("/api/agents/:name/versions/:version").handler(this::setActive);
    }

    private void save(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Responses.json(
                ctx,
                () -> store.saveAgentVersion(Requests.withoutPathField(Requests.jsonBody(ctx), "agent_name")
                        .put("agent_name", name)),
                201,
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
                });
    }

    private void get(RoutingContext ctx) {
        Responses.json(ctx, () -> store.getAgentVersion(ctx.pathParam("name"), ctx.pathParam("version")), 200, v -> v);
    }

    private void latest(RoutingContext ctx) {
        Responses.json(ctx, () -> store.latestAgentVersion(ctx.pathParam("name")), 200, v -> v);
    }

    private void versions(RoutingContext ctx) {
        Responses.json(
                ctx,
                () -> {
                    Requests.onlyParams(ctx, Set.of("include_code", "limit", "offset"));
                    JsonObject query = new JsonObject();
                    Requests.boolParam(ctx, "include_code", query);
                    Requests.pageParams(ctx, query);
                    return store.listAgentVersions(ctx.pathParam("name"), query);
                },
                200,
                r -> r);
    }

    private void list(RoutingContext ctx) {
        Responses.json(
                ctx,
                () -> {
                    Requests.onlyParams(ctx, Set.of("limit", "offset"));
                    JsonObject query = new JsonObject();
                    Requests.pageParams(ctx, query);
                    return store.listAgents(query);
                },
                200,
                r -> r);
    }

    /** PUT or PATCH {@code {"is_active": true|false}}. */
    private void setActive(RoutingContext ctx) {
        Responses.json(
                ctx,
                () -> {
                    JsonObject body = Requests.jsonBody(ctx);
                    Requests.withoutPathField(body, "agent_name");
                    Requests.withoutPathField(body, "version");
                    return store.setAgentVersionActive(ctx.pathParam("name"), ctx.pathParam("version"), body);
                },
                200,
                v -> v);
    }
}
