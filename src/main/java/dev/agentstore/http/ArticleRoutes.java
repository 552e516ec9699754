package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Scraped articles: create one or a batch (insert-or-ignore by id), get one, list. */
final class ArticleRoutes {
    private final StoreClient store;

    ArticleRoutes(StoreClient store) {
        this.store = store;
    }

    void mount(Api api) {
        api.post("/api/articles", Query.NONE, this::create);
        api.get("/api/articles", Query.PAGE.text("url"), this::list);
        api.get("/api/articles/:id", Query.NONE, this::get);
    }

    /** {@code {"articles": [...]}} is a batch; any other object is one article. */
    private void create(RoutingContext ctx) {
        Requests.oneOrBatch(ctx, "articles", one -> createOne(ctx, one), batch -> createBatch(ctx, batch));
    }

    private void createOne(RoutingContext ctx, JsonObject body) {
        Writes.write(
                ctx,
                options -> store.createArticle(body, options),
                r -> r.getBoolean("inserted") ? 201 : 200,
                r -> {
                    ctx.response().putHeader("Location", "/api/articles/" + Responses.segment(r.getString("id")));
                    return new JsonObject()
                            .put("id", r.getString("id"))
                            .put("status", r.getBoolean("inserted") ? "created" : "ignored")
                            .put("article", r.getJsonObject("article"));
                },
                null);
    }

    /** 201 when the batch inserted something, 200 when every id was known. */
    private void createBatch(RoutingContext ctx, JsonObject body) {
        Writes.write(
                ctx,
                options -> store.createArticles(body, options),
                r -> r.getJsonArray("inserted").isEmpty() ? 200 : 201,
                r -> r,
                null);
    }

    private void get(RoutingContext ctx) {
        Responses.json(ctx, () -> store.getArticle(ctx.pathParam("id")), 200, a -> a);
    }

    private void list(RoutingContext ctx) {
        Responses.query(ctx, store::listArticles);
    }
}
