package dev.agentstore.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.store.Sqlite;
import dev.agentstore.store.migration.Migrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** EXPLAIN QUERY PLAN of the store's own SQL constants, on a file at the latest schema. */
public final class QueryPlans {
    private QueryPlans() {}

    public static Path migrated(Path file) throws Exception {
        Migrations migrations = Migrations.classpath();
        try (Connection c = Sqlite.openAsIs(file, "FULL", 5_000)) {
            migrations.up(c, migrations.latest(), line -> {});
        }
        return file;
    }

    public static List<String> plan(Path file, String sql, Object... params) throws SQLException {
        List<String> details = new ArrayList<>();
        try (Connection c = SqliteFiles.connect(file);
                PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    details.add(rs.getString("detail"));
                }
            }
        }
        return details;
    }

    public static void assertIndexWalkWithoutSort(List<String> plan, String expected) {
        assertTrue(plan.stream().anyMatch(d -> d.contains(expected)), "expected '" + expected + "' in " + plan);
        assertFalse(plan.stream().anyMatch(d -> d.contains("TEMP B-TREE")), "a sort in " + plan);
    }
}
