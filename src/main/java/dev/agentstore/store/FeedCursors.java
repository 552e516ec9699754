package dev.agentstore.store;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Where each consumer of the change feed is (docs/event-bus.md, "Consumers' cursors"): a sibling verticle that
 * follows the feed keeps the seq of the last change it handled here, through the bus, and resumes after it when
 * it starts again. Its own business what "handled" means; the keyword monitor stores it after the alerts of
 * every change up to it are written.
 */
public final class FeedCursors {
    private static final String SELECT = "SELECT seq, updated_at FROM feed_cursors WHERE consumer = ?";
    private static final String UPSERT = "INSERT INTO feed_cursors (consumer, seq, updated_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at";
    private static final Set<String> GET_FIELDS = Set.of("consumer");
    private static final Set<String> SET_FIELDS = Set.of("consumer", "seq");

    private FeedCursors() {}

    /** Read: {@code {consumer, seq, updated_at}}; seq 0 and updated_at null for a consumer never seen. */
    public static Work get(JsonObject body) {
        Fields.onlyKnown(body, GET_FIELDS);
        String consumer = Fields.requiredText(body, "consumer", Fields.SHORT_TEXT);
        return s -> {
            JsonObject cursor =
                    new JsonObject().put("consumer", consumer).put("seq", 0L).putNull("updated_at");
            try (var rs = s.prepare(SELECT, consumer).executeQuery()) {
                if (rs.next()) {
                    cursor.put("seq", rs.getLong(1)).put("updated_at", rs.getString(2));
                }
            }
            return cursor;
        };
    }

    /** Write: the consumer's cursor is {@code seq} (>= 0) from now on; replies as {@link #get}. */
    public static Work set(JsonObject body) {
        Fields.onlyKnown(body, SET_FIELDS);
        String consumer = Fields.requiredText(body, "consumer", Fields.SHORT_TEXT);
        long seq = Fields.requiredLong(body, "seq");
        if (seq < 0) {
            throw Fields.bad("'seq' must be 0 or more, got " + seq);
        }
        return s -> {
            String now = Timestamps.now();
            s.update(s.prepare(UPSERT, consumer, seq, now));
            return new JsonObject().put("consumer", consumer).put("seq", seq).put("updated_at", now);
        };
    }
}
