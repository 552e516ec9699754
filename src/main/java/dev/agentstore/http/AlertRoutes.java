package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Keyword alerts: create one or a batch, get one, list. */
final class AlertRoutes {
    private final StoreClient store;

    AlertRoutes(StoreClient store) {
        this.store = store;
    }

    void mount(Api api) {
        api.post("/api/alerts", Query.NONE, this::create);
        api.get("/api/alerts", Query.PAGE, this::list);
        api.get("/api/alerts/:id", Query.NONE, this::get);
    }

    /** {@code {"alerts": [...]}} is a batch; any other object is one alert. */
    private void create(RoutingContext ctx) {
        Requests.oneOrBatch(
                ctx,
                "alerts",
                one -> createOne(ctx, one),
                batch -> Writes.write(
                        ctx,
                        options -> store.createAlerts(batch, options),
                        r -> r.getJsonArray("inserted").isEmpty() ? 200 : 201,
                        r -> r,
                        null));
    }

    private void createOne(RoutingContext ctx, JsonObject body) {
        Writes.write(
                ctx,
                options -> store.createAlert(body, options),
                r -> 201,
                alert -> {
                    ctx.response().putHeader("Location", "/api/alerts/" + alert.getLong("id"));
                    return new JsonObject()
                            .put("id", alert.getLong("id"))
                            .put("status", "created")
                            .put("alert", alert);
                },
                null);
    }

    private void get(RoutingContext ctx) {
        Responses.json(ctx, () -> store.getAlert(id(ctx)), 200, a -> a);
    }

    private void list(RoutingContext ctx) {
        Responses.query(ctx, store::listAlerts);
    }

    private static long id(RoutingContext ctx) {
        String raw = ctx.pathParam("id");
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new Problems.BadRequest("an alert id is a whole number, got '" + raw + "'");
        }
    }
}
