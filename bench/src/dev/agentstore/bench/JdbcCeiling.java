package dev.agentstore.bench;

import dev.agentstore.store.Sqlite;
import dev.agentstore.store.Timestamps;
import dev.agentstore.store.migration.Migrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;

/**
 * Ceiling 1: what one thread of plain JDBC does with no HTTP, no event bus and no batching. It runs the
 * server's create (a workflow_states row and its first workflow_history row) in one BEGIN IMMEDIATE /
 * COMMIT per workflow, with prepared statements reused, on a fresh file migrated by the server's own
 * migrations (same tables, same indexes).
 *
 * <p>usage: JdbcCeiling DB_FILE SYNCHRONOUS WARMUP_S MEASURE_S; prints {@code creates_per_s=N}.
 */
public final class JdbcCeiling {
    static final String INSERT = """
      INSERT INTO workflow_states (id, workflow_name, status, current_step, data, error_message, created_at, updated_at)
      VALUES (?, ?, ?, NULL, ?, NULL, ?, ?)""";
    static final String INSERT_HISTORY =
            "INSERT INTO workflow_history (workflow_id, status, step, message, created_at) VALUES (?, ?, ?, ?, ?)";
    static final String DATA = "{\"source\":\"wrk\",\"n\":1}";

    private JdbcCeiling() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String synchronous = args[1];
        long warmupNanos = (long) (Double.parseDouble(args[2]) * 1e9);
        long measureNanos = (long) (Double.parseDouble(args[3]) * 1e9);
        try (Connection c = Sqlite.open(file, synchronous, Sqlite.BUSY_TIMEOUT_MS)) {
            Migrations migrations = Migrations.classpath();
            migrations.up(c, migrations.latest(), line -> {});
            try (PreparedStatement begin = c.prepareStatement("BEGIN IMMEDIATE");
                    PreparedStatement commit = c.prepareStatement("COMMIT");
                    PreparedStatement insert = c.prepareStatement(INSERT);
                    PreparedStatement history = c.prepareStatement(INSERT_HISTORY)) {
                run(begin, commit, insert, history, warmupNanos);
                long start = System.nanoTime();
                long n = run(begin, commit, insert, history, measureNanos);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        "creates_per_s=%.0f creates=%d seconds=%.2f synchronous=%s%n",
                        n / seconds, n, seconds, synchronous);
            }
        }
    }

    private static long run(
            PreparedStatement begin,
            PreparedStatement commit,
            PreparedStatement insert,
            PreparedStatement history,
            long nanos)
            throws Exception {
        long end = System.nanoTime() + nanos;
        long n = 0;
        while (System.nanoTime() < end) {
            String id = UUID.randomUUID().toString();
            String now = Timestamps.now();
            begin.execute();
            insert.setString(1, id);
            insert.setString(2, "bench-jdbc");
            insert.setString(3, "pending");
            insert.setString(4, DATA);
            insert.setString(5, now);
            insert.setString(6, now);
            insert.executeUpdate();
            history.setString(1, id);
            history.setString(2, "pending");
            history.setString(3, null);
            history.setString(4, "workflow created");
            history.setString(5, now);
            history.executeUpdate();
            commit.execute();
            n++;
        }
        return n;
    }
}
