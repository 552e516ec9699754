package dev.agentstore.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;

/** Runs a query and maps its rows to JSON objects. */
public final class Rows {
    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Mapper {
        JsonObject map(ResultSet rs) throws SQLException;
    }

    private Rows() {}

    public static JsonArray all(PreparedStatement ps, Mapper mapper) throws SQLException {
        JsonArray rows = new JsonArray();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
        }
        return rows;
    }

    /** True when the query returns a row. */
    public static boolean exists(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** The first row, or the failure {@code missing} makes (a 404 that names what was asked for). */
    public static JsonObject one(PreparedStatement ps, Mapper mapper, Supplier<StoreException> missing)
            throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw missing.get();
            }
            return mapper.map(rs);
        }
    }
}
