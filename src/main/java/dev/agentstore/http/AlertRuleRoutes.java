package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Keyword alert rules, which the keyword monitor applies to new articles: create, list, get, delete. */
final class AlertRuleRoutes {
    private final StoreClient store;

    AlertRuleRoutes(StoreClient store) {
        this.store = store;
    }

    void mount(Api api) {
        api.post("/api/alert-rules", Query.NONE, this::create);
        api.get("/api/alert-rules", Query.PAGE.bool("include_deleted"), this::list);
        api.get("/api/alert-rules/:id", Query.NONE, this::get);
        api.delete("/api/alert-rules/:id", Query.NONE, this::delete);
    }

    private void create(RoutingContext ctx) {
        Writes.write(
                ctx,
                options -> store.createAlertRule(Requests.jsonBody(ctx), options),
                r -> 201,
                rule -> {
                    ctx.response().putHeader("Location", "/api/alert-rules/" + rule.getLong("id"));
                    return new JsonObject()
                            .put("id", rule.getLong("id"))
                            .put("status", "created")
                            .put("rule", rule);
                },
                null);
    }

    private void list(RoutingContext ctx) {
        Responses.query(ctx, store::listAlertRules);
    }

    private void get(RoutingContext ctx) {
        Responses.json(ctx, () -> store.getAlertRule(id(ctx)), 200, r -> r);
    }

    private void delete(RoutingContext ctx) {
        Writes.write(
                ctx,
                options -> {
                    if (Requests.hasBody(ctx)) {
                        throw new Problems.BadRequest("DELETE /api/alert-rules/{id} takes no body");
                    }
                    return store.deleteAlertRule(id(ctx), options);
                },
                r -> 200,
                rule -> new JsonObject()
                        .put("id", rule.getLong("id"))
                        .put("status", "deleted")
                        .put("rule", rule),
                null);
    }

    private static long id(RoutingContext ctx) {
        String raw = ctx.pathParam("id");
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new Problems.BadRequest("an alert rule id is a whole number, got '" + raw + "'");
        }
    }
}
