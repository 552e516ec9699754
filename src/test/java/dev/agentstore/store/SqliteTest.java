package dev.agentstore.store;

import static dev.agentstore.support.SqliteFiles.exec;
import static dev.agentstore.support.SqliteFiles.journalMode;
import static dev.agentstore.support.SqliteFiles.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.SqliteFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Sqlite: the journal mode is left alone until the file is known good, then switched to WAL")
class SqliteTest {
    @TempDir
    Path dir;

    static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Test
    @DisplayName(
            "the pooled connections' WAL pragma rewrites a rollback-journal file's header; openAsIs leaves it byte for byte")
    void openAsIsLeavesTheHeader() throws Exception {
        Path file = dir.resolve("w.db");
        exec(file, "CREATE TABLE t (x)");
        String before = sha256(file);
        try (Connection c = Sqlite.openAsIs(file, "FULL", 1_000)) {
            assertTrue(tableExists(c, "t"));
        }
        assertEquals(before, sha256(file));
        try (Connection c = Sqlite.open(file, "FULL", 1_000)) {
            assertTrue(tableExists(c, "t"));
        }
        assertNotEquals(before, sha256(file), "this is why migrations do not use Sqlite.open");
    }

    @Test
    @DisplayName(
            "switching to WAL while another connection holds a read lock is retried until the timeout, not failed at once")
    void useWalRetriesWhileLocked() throws Exception {
        Path file = dir.resolve("w.db");
        exec(file, "CREATE TABLE t (x)");
        try (Connection reader = SqliteFiles.connect(file);
                Statement r = reader.createStatement();
                Connection c = Sqlite.openAsIs(file, "FULL", 1_000)) {
            r.execute("BEGIN");
            r.executeQuery("SELECT count(*) FROM t").close();
            long started = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> Sqlite.useWal(c, 300));
            assertTrue(SqliteErrors.isBusy(e), e.toString());
            assertTrue(System.nanoTime() - started >= 300_000_000L, "gave up before its timeout");
            r.execute("COMMIT");

            Sqlite.useWal(c, 300);
            assertEquals("wal", journalMode(file));

            r.execute("BEGIN");
            r.executeQuery("SELECT count(*) FROM t").close();
            try (Connection second = Sqlite.openAsIs(file, "FULL", 1_000)) {
                Sqlite.useWal(second, 0);
            }
            r.execute("COMMIT");
        }
    }
}
