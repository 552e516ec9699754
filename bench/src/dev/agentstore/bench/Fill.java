package dev.agentstore.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Adds ROWS finished workflows, each with two history rows and about DATA_BYTES of data, straight into a server's
 * database file (the server stopped), in one transaction: the big database that the backup scenario copies.
 *
 * <p>usage: Fill DB ROWS DATA_BYTES [spread]; prints rows= and bytes= of the file. Every row is created at one
 * time (2026-01-01T00:00:00.000Z), or, with {@code spread}, each a millisecond after the one before, as rows
 * created one by one are.
 */
public final class Fill {
    private Fill() {}

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        long rows = Long.parseLong(args[1]);
        int bytes = Integer.parseInt(args[2]);
        String time = args.length > 3 && args[3].equals("spread")
                ? "strftime('%Y-%m-%dT%H:%M:%fZ', 1767225600 + i / 1000.0, 'unixepoch')"
                : "'2026-01-01T00:00:00.000Z'";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=OFF");
            c.setAutoCommit(false);
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ")"
                    + " INSERT INTO workflow_states (id, workflow_name, status, data, created_at, updated_at,"
                    + " completed_at) SELECT 'fill-' || i, 'fill', 'completed', '{\"x\":\"' || hex(randomblob("
                    + (bytes / 2) + ")) || '\"}', " + time + ", " + time + ", " + time + " FROM n");
            s.execute(
                    "INSERT INTO workflow_history (workflow_id, status, step, created_at)"
                            + " SELECT id, 'pending', NULL, created_at FROM workflow_states WHERE id LIKE 'fill-%'"
                            + " UNION ALL SELECT id, 'completed', NULL, created_at FROM workflow_states WHERE id LIKE 'fill-%'");
            c.commit();
            c.setAutoCommit(true);
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        System.out.println("rows=" + rows + " bytes=" + Files.size(db));
    }
}
