package dev.agentstore.bench;

import dev.agentstore.store.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Durability check, run after the server was killed with SIGKILL (no clean shutdown, no checkpoint):
 * every write that the load generator saw acknowledged must be in the file. Each check names a count
 * query and the number of acknowledged requests it must reach.
 *
 * <p>usage: Verify DB_FILE (created NAME ACKED | steps PREFIX ACKED)...; exit status 1 when one fails.
 */
public final class Verify {
    private Verify() {}

    public static void main(String[] args) throws Exception {
        boolean ok = true;
        try (Connection c = Sqlite.open(Path.of(args[0]), "FULL", Sqlite.BUSY_TIMEOUT_MS)) {
            for (int i = 1; i + 2 < args.length; i += 3) {
                String kind = args[i];
                String key = args[i + 1];
                long acked = Long.parseLong(args[i + 2]);
                String sql = kind.equals("created")
                        ? "SELECT count(*) FROM workflow_states WHERE workflow_name = ?"
                        : "SELECT count(*) FROM workflow_history WHERE step LIKE ? || '%'";
                long found;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        found = rs.getLong(1);
                    }
                }
                boolean pass = found >= acked;
                ok &= pass;
                System.out.printf(
                        "durability %s %-14s acknowledged=%d in_file=%d %s%n",
                        kind, key, acked, found, pass ? "OK" : "LOST WRITES");
            }
        }
        System.exit(ok ? 0 : 1);
    }
}
