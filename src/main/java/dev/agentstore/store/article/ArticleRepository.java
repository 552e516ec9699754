package dev.agentstore.store.article;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.LimitsConfig;
import dev.agentstore.store.Changes;
import dev.agentstore.store.Fields;
import dev.agentstore.store.Ids;
import dev.agentstore.store.Page;
import dev.agentstore.store.Rows;
import dev.agentstore.store.Session;
import dev.agentstore.store.StoreException;
import dev.agentstore.store.Timestamps;
import dev.agentstore.store.Work;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Scraped web pages. Creating is insert-or-ignore by id, as in the Python implementation: a known id
 * is not an error, the reply says it was ignored and the stored article is left as it is. Each public
 * method validates its whole request at once (400 or 413) and returns the {@link Work} to run.
 */
public final class ArticleRepository {
    private static final Set<String> ARTICLE_FIELDS = Set.of("id", "url", "title", "content", "created_at");
    private static final Set<String> BATCH_FIELDS = Set.of("articles");
    private static final Set<String> GET_FIELDS = Set.of("id");
    private static final Set<String> LIST_FIELDS = Set.of("url", "limit", "offset", "page_token");

    /** {@code createdAt}: as the caller gave it, or null for the time of the write. */
    private record Article(String id, String url, String title, String content, String createdAt) {
        String createdAt(String now) {
            return createdAt != null ? createdAt : now;
        }
    }

    private final LimitsConfig limits;

    public ArticleRepository(LimitsConfig limits) {
        this.limits = limits;
    }

    /** Write: one article; replies {@code {id, inserted, article}} with the article as stored. */
    public Work create(JsonObject body) {
        Article a = parse(body);
        return s -> {
            String now = Timestamps.now();
            boolean inserted = insert(s, a, now);
            JsonObject stored = inserted ? json(a, a.createdAt(now)) : find(s, a.id());
            if (inserted) {
                Changes.record(s, Changes.ARTICLE, a.id(), "inserted", now, stored, null);
            }
            return new JsonObject().put("id", a.id()).put("inserted", inserted).put("article", stored);
        };
    }

    /**
     * Write: every article of {@code {articles: [...]}}, in one request, so in one transaction or savepoint:
     * all of it commits or none. Within the batch the first of two equal ids wins.
     */
    public Work createBatch(JsonObject body) {
        Fields.onlyKnown(body, BATCH_FIELDS);
        List<Article> batch = Fields.items(body, "articles", 0, limits.maxBatchItems(), this::parse);
        return s -> {
            String now = Timestamps.now();
            JsonArray inserted = new JsonArray();
            JsonArray ignored = new JsonArray();
            for (Article a : batch) {
                if (insert(s, a, now)) {
                    inserted.add(a.id());
                    Changes.record(s, Changes.ARTICLE, a.id(), "inserted", now, json(a, a.createdAt(now)), null);
                } else {
                    ignored.add(a.id());
                }
            }
            return new JsonObject().put("inserted", inserted).put("ignored", ignored);
        };
    }

    /** Read: one article, or 404. */
    public Work get(JsonObject body) {
        Fields.onlyKnown(body, GET_FIELDS);
        String id = Fields.requiredText(body, "id", Fields.SHORT_TEXT);
        return s -> find(s, id);
    }

    /** Read: articles newest first, optionally those of one exact url. */
    public Work list(JsonObject body) {
        Fields.onlyKnown(body, LIST_FIELDS);
        String url = Fields.optionalText(body, "url", Fields.URL_TEXT);
        Page page = url == null ? ArticleSql.LIST.page(body) : ArticleSql.LIST_BY_URL.page(body, url);
        return s -> page.list(s, "articles", ArticleRepository::row);
    }

    private Article parse(JsonObject body) {
        Fields.onlyKnown(body, ARTICLE_FIELDS);
        String id = Fields.optionalText(body, "id", Fields.SHORT_TEXT);
        return new Article(
                id == null ? Ids.timeOrdered() : id,
                Fields.requiredText(body, "url", Fields.URL_TEXT),
                Fields.optionalLongText(body, "title", limits.maxFieldBytes()),
                Fields.optionalLongText(body, "content", limits.maxFieldBytes()),
                Fields.optionalTimestamp(body, "created_at"));
    }

    private static boolean insert(Session s, Article a, String now) throws SQLException {
        return s.update(s.prepare(
                        ArticleSql.INSERT_OR_IGNORE, a.id(), a.url(), a.title(), a.content(), a.createdAt(now)))
                == 1;
    }

    private static JsonObject find(Session s, String id) throws SQLException {
        return Rows.one(
                s.prepare(ArticleSql.SELECT_BY_ID, id),
                ArticleRepository::row,
                () -> new StoreException(Failures.NOT_FOUND, "article " + id + " does not exist"));
    }

    private static JsonObject json(Article a, String createdAt) {
        return new JsonObject()
                .put("id", a.id())
                .put("url", a.url())
                .put("title", a.title())
                .put("content", a.content())
                .put("created_at", createdAt);
    }

    /** Any column may be null in files written by the Python implementation (a TEXT key, too). */
    private static JsonObject row(ResultSet rs) throws SQLException {
        return new JsonObject()
                .put("id", rs.getString(1))
                .put("url", rs.getString(2))
                .put("title", rs.getString(3))
                .put("content", rs.getString(4))
                .put("created_at", rs.getString(5));
    }
}
