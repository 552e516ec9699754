package dev.agentstore.store.migration;

import static dev.agentstore.store.migration.SchemaVersionSql.ADD_CHECKSUM;
import static dev.agentstore.store.migration.SchemaVersionSql.APPLIED;
import static dev.agentstore.store.migration.SchemaVersionSql.APPLIED_WITHOUT_CHECKSUM;
import static dev.agentstore.store.migration.SchemaVersionSql.COLUMN_EXISTS;
import static dev.agentstore.store.migration.SchemaVersionSql.ERASE;
import static dev.agentstore.store.migration.SchemaVersionSql.RECORD;
import static dev.agentstore.store.migration.SchemaVersionSql.TABLE_EXISTS;

import dev.agentstore.store.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes the {@code schema_version} table on the migration's own connection. */
final class SchemaVersions {
    private SchemaVersions() {}

    /** The recorded migrations in version order; none when the file has no schema_version table yet. */
    static List<AppliedMigration> applied(Connection c) throws SQLException {
        List<AppliedMigration> rows = new ArrayList<>();
        if (!exists(c, TABLE_EXISTS, "schema_version")) {
            return rows;
        }
        String sql = exists(c, COLUMN_EXISTS, "schema_version", "checksum") ? APPLIED : APPLIED_WITHOUT_CHECKSUM;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(new AppliedMigration(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return rows;
    }

    /**
     * Records {@code m} as applied now, with its checksum. The Python implementation's table has no
     * checksum column; it gets one the first time this code applies a migration, and the versions it
     * recorded keep a null checksum.
     */
    static void record(Connection c, Migration m) throws SQLException {
        if (!exists(c, COLUMN_EXISTS, "schema_version", "checksum")) {
            try (Statement s = c.createStatement()) {
                s.execute(ADD_CHECKSUM);
            }
        }
        update(c, RECORD, m.version(), m.name(), Timestamps.now(), m.checksum());
    }

    static void erase(Connection c, int version) throws SQLException {
        update(c, ERASE, version);
    }

    private static boolean exists(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }
}
