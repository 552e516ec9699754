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
 * transaction: the change is kept on the writer's {@link Session}, and just before COMMIT the writer inserts the
 * transaction's changes into the {@code changes} table (migration 0004, {@link #flush}), where each gets the next
 * seq. A savepoint that is rolled back drops its changes, a COMMIT hands them, in seq order, to the database's
 * listener, which publishes them on the event bus
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
                    .mergeIn(ChangeDetail.decode(id, time, detail));
        }
    }

    /**
     * Records a change of {@code entity} {@code id} in the writer's transaction: {@code data}, the row as a GET
     * answers it, and for a workflow {@code history}, the history row the change appended (null for none). Its row
     * is inserted with the others of the transaction just before COMMIT ({@link #flush}), which is where it gets
     * its seq: one insert of many rows, outside the requests' savepoints, cost creates half of what an insert of
     * each change in its request did (docs/PERFORMANCE.md, "Issue 14").
     */
    public static void record(
            Session s, String entity, String id, String kind, String time, JsonObject data, JsonObject history) {
        s.recorded(new Pending(
                entity,
                id,
                kind,
                time,
                System.currentTimeMillis(),
                ChangeDetail.encode(entity, id, time, data, history)));
    }

    /**
     * As {@link #record}, for a write that stores the change's seq in its own row (an alert rule's
     * {@code created_seq}): inserts it now, with the changes recorded before it, and returns its seq.
     */
    public static long recordNow(
            Session s, String entity, String id, String kind, String time, JsonObject data, JsonObject history)
            throws SQLException {
        record(s, entity, id, kind, time, data, history);
        List<Pending> waiting = s.uninserted();
        Pending mine = waiting.get(waiting.size() - 1);
        flush(s);
        return mine.seq;
    }

    /**
     * Inserts the changes recorded and not yet inserted, in as few statements as {@value #ROWS_PER_INSERT} rows
     * each allow, and gives each its seq. AUTOINCREMENT gives the rows of one insert consecutive seqs in the order
     * of its VALUES (each the largest seq ever given, plus one), so the last one's, SQLite's last insert rowid, tells
     * every seq; RETURNING them cost a step and a read through the driver for each row.
     */
    static void flush(Session s) throws SQLException {
        List<Pending> waiting = s.uninserted();
        for (int from = 0; from < waiting.size(); from += ROWS_PER_INSERT) {
            List<Pending> rows = waiting.subList(from, Math.min(waiting.size(), from + ROWS_PER_INSERT));
            Object[] params = new Object[rows.size() * 6];
            int at = 0;
            for (Pending c : rows) {
                params[at++] = c.entity;
                params[at++] = c.id;
                params[at++] = c.kind;
                params[at++] = c.time;
                params[at++] = c.createdMs;
                params[at++] = c.detail;
            }
            int inserted = s.prepare(insert(rows.size()), params).executeUpdate();
            if (inserted != rows.size()) {
                throw new SQLException("the insert of " + rows.size() + " changes inserted " + inserted + " rows");
            }
            long last = s.lastInsertRowid();
            for (int i = 0; i < rows.size(); i++) {
                rows.get(i).seq = last - rows.size() + 1 + i;
            }
        }
        s.allInserted();
    }

    private static final int ROWS_PER_INSERT = 64;
    private static final String[] INSERTS = new String[ROWS_PER_INSERT + 1];

    /** {@code INSERT ... VALUES (?, ...), ...} for {@code rows} rows, made once for each count. */
    private static String insert(int rows) {
        String sql = INSERTS[rows];
        if (sql == null) {
            StringBuilder b = new StringBuilder(
                    "INSERT INTO changes (entity, entity_id, kind, time, created_ms, detail) VALUES ");
            for (int i = 0; i < rows; i++) {
                b.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
            }
            sql = b.toString();
            INSERTS[rows] = sql; // a race makes an equal string twice: harmless
        }
        return sql;
    }

    /** A change recorded in the writer's transaction; its seq is 0 until its row is inserted ({@link #flush}). */
    static final class Pending {
        final String entity;
        final String id;
        final String kind;
        final String time;
        final long createdMs;
        final String detail;
        long seq;

        Pending(String entity, String id, String kind, String time, long createdMs, String detail) {
            this.entity = entity;
            this.id = id;
            this.kind = kind;
            this.time = time;
            this.createdMs = createdMs;
            this.detail = detail;
        }

        Change committed() {
            return new Change(seq, entity, id, kind, time, detail);
        }
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
