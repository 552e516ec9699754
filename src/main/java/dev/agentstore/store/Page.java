package dev.agentstore.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The page of a list request, the same for every entity: {@code limit} 1..1000 (default 100) and
 * {@code offset} >= 0 (default 0).
 */
public record Page(int limit, int offset) {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    /** Reads {@code limit} and {@code offset} from a request body, refusing values out of range with 400. */
    public static Page of(JsonObject body) {
        return new Page(
                Fields.intIn(body, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                Fields.intIn(body, "offset", 0, 0, Integer.MAX_VALUE));
    }

    /**
     * The rows of this page of {@code sql}, a query that ends in {@code LIMIT ? OFFSET ?} after the
     * parameters of its {@code filter}.
     */
    public JsonArray rows(Session s, String sql, Rows.Mapper mapper, Object... filter) throws SQLException {
        PreparedStatement ps = s.prepare(sql, filter);
        ps.setInt(filter.length + 1, limit);
        ps.setInt(filter.length + 2, offset);
        return Rows.all(ps, mapper);
    }

    /** The reply of a list request, {@link #reply} of {@link #rows}. */
    public JsonObject list(Session s, String field, String sql, Rows.Mapper mapper, Object... filter)
            throws SQLException {
        return reply(field, rows(s, sql, mapper, filter));
    }

    /** The reply of a list request: {@code {FIELD: rows, count, limit, offset}}, count = rows in this page. */
    public JsonObject reply(String field, JsonArray rows) {
        return new JsonObject()
                .put(field, rows)
                .put("count", rows.size())
                .put("limit", limit)
                .put("offset", offset);
    }
}
