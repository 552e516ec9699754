package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Scraped articles: create one or a batch (insert-or-ignore by id), get one, list. */
final class ArticleRoutes {
    private final StoreClient store;

    ArticleRoutes(StoreClient store) {
        this.store = store;
    }

    void mount(Router router) {
        router.post("/api/articles").handler(this::create);
        router.get("/api/articles").handler(this::list);
        router.get("/api/articles/:id").handler(this::get);
    }

    /** {@code {"articles": [...]}} is a batch; any other object is one article. */
    private void create(RoutingContext ctx) {
        Requests.oneOrBatch(ctx, "articles", one -> createOne(ctx, one), batch -> createBatch(ctx, batch));
    }

    private void createOne(RoutingContext ctx, JsonObject body) {
        Responses.json(ctx, () -> store.createArticle(body), r -> r.getBoolean("inserted") ? 201 : 200, r -> {
            ctx.response().putHeader("Location", "/api/articles/" + Responses.segment(r.getString("id")));
            return new JsonObject()
                    .put("id", r.getString("id"))
                    .put("status", r.getBoolean("inserted") ? "created" : "ignored")
                    .put("article", r.getJsonObject("article"));
        });
    }

    /** 201 when the batch inserted something, 200 when every id was known. */
    private void createBatch(RoutingContext ctx, JsonObject body) {
        Responses.json(
                ctx,
                () -> store.createArticles(body),
                r -> r.getJsonArray("inserted").isEmpty() ? 200 : 201,
                r -> r);
    }

    private void get(RoutingContext ctx) {
        Responses.json(ctx, () -> store.getArticle(ctx.pathParam("id")), 200, a -> a);
    }

    private void list(RoutingContext ctx) {
        Responses.json(
                ctx,
                () -> {
                    Requests.onlyParams(ctx, Set.of("url", "limit", "offset"));
                    JsonObject query = new JsonObject();
                    Requests.stringParam(ctx, "url", query);
                    Requests.pageParams(ctx, query);
                    return store.listArticles(query);
                },
                200,
                r -> r);
    }
}
