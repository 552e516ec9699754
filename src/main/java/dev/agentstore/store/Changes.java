package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The change feed (docs/api.md, "Changes"). A write that changes a row calls {@link #record} in its own
 * transaction: the change gets the next seq of the {@code changes} table (migration 0004) and is kept on the
 * writer's {@link Session} until the transaction ends. A savepoint that is rolled back drops its changes, a
 * COMMIT hands them, in seq order, to the database's listener, which publishes them on the event bus
 * ({@code agentstore.changes}). Readers read the table ({@link #list}), so that a reader who missed a publication,
 * or who comes back after a restart, finds every committed change, in order, with no gap.
 */
public final class Changes {
    public static final String WORKFLOW = "workflow";
    public static final String ARTICLE = "article";
    public static final String ALERT = "alert";
    public static final String AGENT_VERSION = "agent_version";
    public static final String ALERT_RULE = "alert_rule";
    public static final Set<String> ENTITIES = Set.of(WORKFLOW, ARTICLE, ALERT, AGENT_VERSION, ALERT_RULE);

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private static final String INSERT =
            "INSERT INTO changes (entity, entity_id, kind, time, created_ms, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq";
    private static final String COLUMNS = "seq, entity, entity_id, kind, time, detail";
    private static final String LIST = "SELECT " + COLUMNS + " FROM changes WHERE seq > ? ORDER BY seq LIMIT ?";
    private static final String LIST_ENTITY =
            "SELECT " + COLUMNS + " FROM changes WHERE seq > ? AND entity = ? ORDER BY seq LIMIT ?";
    private static final String BOUNDS = "SELECT min(seq), max(seq) FROM changes";
    /**
     * The expired changes among the oldest {@code batch_rows}; never the newest change, so that the table always
     * knows the last seq it gave and a cursor from before the purge is told it is too old (410), not sent nothing.
     */
    private static final String PURGE = "DELETE FROM changes WHERE seq IN (SELECT seq FROM"
            + " (SELECT seq, created_ms FROM changes ORDER BY seq LIMIT ?) WHERE created_ms < ?)"
            + " AND seq < (SELECT max(seq) FROM changes)";

    private static final Set<String> LIST_FIELDS = Set.of("after", "limit", "entity");

    private Changes() {}

    /** One committed change, as the writer recorded it; {@link #json} is what readers and the bus get. */
    public record Change(long seq, String entity, String id, String kind, String time, String detail) {
        /** {@code {seq, database, entity, id, kind, time, data, history?}}. */
        public JsonObject json(String database) {
            return new JsonObject()
                    .put("seq", seq)
                    .put("database", database)
                    .put("entity", entity)
                    .put("id", id)
                    .put("kind", kind)
                    .put("time", time)
                    .mergeIn(new JsonObject(detail));
        }
    }

    /**
     * Records a change of {@code entity} {@code id} in the writer's transaction: {@code data}, the row as a GET
     * answers it, and for a workflow {@code history}, the history row the change appended (null for none).
     * Returns the change's seq.
     */
    public static long record(
            Session s, String entity, String id, String kind, String time, JsonObject data, JsonObject history)
            throws SQLException {
        JsonObject detail = new JsonObject().put("data", data);
        if (history != null) {
            detail.put("history", history);
        }
        String text = detail.encode();
        long seq;
        try (ResultSet rs = s.prepare(INSERT, entity, id, kind, time, System.currentTimeMillis(), text)
                .executeQuery()) {
            rs.next();
            seq = rs.getLong(1);
        }
        s.recorded(new Change(seq, entity, id, kind, time, text));
        return seq;
    }

    /**
     * Read: the changes after {@code after} (a seq; 0 or absent: from the oldest held), oldest first, at most
     * {@code limit}, optionally of one {@code entity}. Replies {@code {changes, count, next, oldest, latest}}:
     * {@code next} is the cursor for the next call (the last seq sent, or {@code after} when none),
     * {@code oldest} and {@code latest} the seqs the table holds (null when empty). A cursor older than the oldest
     * change held (the purge took changes after it) is a 410 that names the oldest.
     */
    public static Work list(JsonObject body, String database) {
        Fields.onlyKnown(body, LIST_FIELDS);
        long after = after(body);
        int limit = Fields.intIn(body, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String entity = entity(body);
        return s -> {
            Long oldest;
            Long latest;
            try (ResultSet rs = s.prepare(BOUNDS).executeQuery()) {
                rs.next();
                oldest = (Long) nullable(rs, 1);
                latest = (Long) nullable(rs, 2);
            }
            if (oldest != null && body.containsKey("after") && after < oldest - 1) {
                throw new StoreException(
                        Failures.GONE,
                        "the changes after " + after + " are no longer held (retention.changes_s); the oldest held is "
                                + oldest + ": read from after=" + (oldest - 1) + " and reload what you keep");
            }
            PreparedStatement ps =
                    entity == null ? s.prepare(LIST, after, limit) : s.prepare(LIST_ENTITY, after, entity, limit);
            JsonArray rows = new JsonArray();
            long next = after;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Change c = new Change(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6));
                    rows.add(c.json(database));
                    next = c.seq();
                }
            }
            return new JsonObject()
                    .put("changes", rows)
                    .put("count", rows.size())
                    .put("next", next)
                    .put("oldest", oldest)
                    .put("latest", latest)
                    .put("database", database);
        };
    }

    /** {@code after}: a seq, 0 or more; absent means 0. */
    public static long after(JsonObject body) {
        if (body.getValue("after") == null) {
            return 0;
        }
        long after = Fields.requiredLong(body, "after");
        if (after < 0) {
            throw Fields.bad("'after' must be a seq, 0 or more, got " + after);
        }
        return after;
    }

    /** {@code entity}: one of {@link #ENTITIES}, or null for every one. */
    public static String entity(JsonObject body) {
        String entity = Fields.optionalText(body, "entity", Fields.SHORT_TEXT);
        if (entity != null && !ENTITIES.contains(entity)) {
            throw Fields.bad("'entity' must be one of " + String.join(", ", new java.util.TreeSet<>(ENTITIES))
                    + ", got '" + entity + "'");
        }
        return entity;
    }

    private static Object nullable(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** The purge of the changes older than {@code retention} of {@code db}, as {@link TablePurge} runs it. */
    public static TablePurge purge(Vertx vertx, Database db, Duration retention, int batchRows, long intervalMs) {
        return new TablePurge(
                vertx, db, "changes older than retention.changes_s", PURGE, retention, batchRows, intervalMs);
    }

    /** What a listener of a database's commits is told: its changes, in seq order, after COMMIT. */
    @FunctionalInterface
    public interface Listener {
        void committed(List<Change> changes);
    }
}
