package dev.agentstore.store.alert;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.LimitsConfig;
import dev.agentstore.store.Changes;
import dev.agentstore.store.Fields;
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
 * Keyword alerts raised on scraped articles. The store numbers them (AUTOINCREMENT), so every create
 * inserts. Each public method validates its whole request at once (400 or 413) and returns the
 * {@link Work} to run.
 */
public final class AlertRepository {
    private static final Set<String> ALERT_FIELDS = Set.of("title", "message", "source_url", "created_at");
    private static final Set<String> BATCH_FIELDS = Set.of("alerts");
    private static final Set<String> GET_FIELDS = Set.of("id");
    private static final Set<String> LIST_FIELDS = Set.of("limit", "offset", "page_token");

    /** {@code createdAt}: as the caller gave it, or null for the time of the write. */
    private record Alert(String title, String message, String sourceUrl, String createdAt) {
        String createdAt(String now) {
            return createdAt != null ? createdAt : now;
        }
    }

    private final LimitsConfig limits;

    public AlertRepository(LimitsConfig limits) {
        this.limits = limits;
    }

    /** Write: one alert; replies with it, id and created_at included. */
    public Work create(JsonObject body) {
        Alert a = parse(body);
        return s -> {
            String now = Timestamps.now();
            return insert(s, a, now);
        };
    }

    /**
     * Write: every alert of {@code {alerts: [...]}}, in one request, so in one transaction or savepoint:
     * all of it commits or none. Replies {@code {inserted: [ids], ignored: []}}, ids in the batch's order.
     */
    public Work createBatch(JsonObject body) {
        Fields.onlyKnown(body, BATCH_FIELDS);
        List<Alert> batch = Fields.items(body, "alerts", 0, limits.maxBatchItems(), this::parse);
        return s -> {
            String now = Timestamps.now();
            JsonArray inserted = new JsonArray();
            for (Alert a : batch) {
                inserted.add(insert(s, a, now).getLong("id"));
            }
            return new JsonObject().put("inserted", inserted).put("ignored", new JsonArray());
        };
    }

    /** Read: one alert, or 404. */
    public Work get(JsonObject body) {
        Fields.onlyKnown(body, GET_FIELDS);
        long id = Fields.requiredLong(body, "id");
        return s -> Rows.one(
                s.prepare(AlertSql.SELECT_BY_ID, id),
                AlertRepository::row,
                () -> new StoreException(Failures.NOT_FOUND, "alert " + id + " does not exist"));
    }

    /** Read: alerts newest first. */
    public Work list(JsonObject body) {
        Fields.onlyKnown(body, LIST_FIELDS);
        Page page = AlertSql.LIST.page(body);
        return s -> page.list(s, "alerts", AlertRepository::row);
    }

    private Alert parse(JsonObject body) {
        Fields.onlyKnown(body, ALERT_FIELDS);
        return new Alert(
                Fields.requiredText(body, "title", Fields.SHORT_TEXT),
                Fields.optionalLongText(body, "message", limits.maxFieldBytes()),
                Fields.optionalText(body, "source_url", Fields.URL_TEXT),
                Fields.optionalTimestamp(body, "created_at"));
    }

    /** Inserts {@code a} and records the change; returns it as stored. */
    private static JsonObject insert(Session s, Alert a, String now) throws SQLException {
        s.update(s.prepare(AlertSql.INSERT, a.title(), a.message(), a.sourceUrl(), a.createdAt(now)));
        long id = s.lastInsertRowid();
        JsonObject alert = json(id, a, a.createdAt(now));
        Changes.record(s, Changes.ALERT, Long.toString(id), "created", now, alert, null);
        return alert;
    }

    private static JsonObject json(long id, Alert a, String createdAt) {
        return new JsonObject()
                .put("id", id)
                .put("title", a.title())
                .put("message", a.message())
                .put("source_url", a.sourceUrl())
                .put("created_at", createdAt);
    }

    /** Any column but id may be null in files written by the Python implementation. */
    private static JsonObject row(ResultSet rs) throws SQLException {
        return new JsonObject()
                .put("id", rs.getLong(1))
                .put("title", rs.getString(2))
                .put("message", rs.getString(3))
                .put("source_url", rs.getString(4))
                .put("created_at", rs.getString(5));
    }
}
