package dev.agentstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentstore.bus.Failures;
import dev.agentstore.support.SqliteFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

@DisplayName("SqliteErrors: what degrades the database is a failure of the storage, not of the request or a lock")
class SqliteErrorsTest {
    @TempDir
    Path dir;

    SQLException failure(Path file, String... statements) throws SQLException {
        try (Connection c = SqliteFiles.connect(file);
                Statement s = c.createStatement()) {
            for (int i = 0; i < statements.length - 1; i++) {
                s.execute(statements[i]);
            }
            return assertThrows(SQLException.class, () -> s.execute(statements[statements.length - 1]));
        }
    }

    @Test
    @DisplayName("a full database (max_page_count, SQLITE_FULL as on a full disk) is named as such, and 503")
    void fullIsAStorageFailure() throws Exception {
        SQLException e = failure(
                dir.resolve("full.db"),
                "CREATE TABLE t (x)",
                "PRAGMA max_page_count = 3",
                "INSERT INTO t VALUES (randomblob(100000))");
        assertEquals("the database or disk is full (SQLITE_FULL)", SqliteErrors.storageFailure(e));
        assertEquals(Failures.UNAVAILABLE, SqliteErrors.classify(e).code());
    }

    @Test
    @DisplayName("a write on a read-only connection, and a file that is not a database, are storage failures")
    void readOnlyAndNotADatabaseAreStorageFailures() throws Exception {
        Path file = dir.resolve("ro.db");
        SqliteFiles.exec(file, "CREATE TABLE t (x)");
        SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection c = new JDBC().connect(JDBC.PREFIX + file, readOnly.toProperties());
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute("INSERT INTO t VALUES (1)"));
            assertEquals("the database is read-only (SQLITE_READONLY)", SqliteErrors.storageFailure(e));
        }
        Path text = Files.writeString(dir.resolve("text.db"), "not a database\n".repeat(100));
        SQLException e = failure(text, "SELECT count(*) FROM sqlite_master");
        assertEquals("the file is not a database (SQLITE_NOTADB)", SqliteErrors.storageFailure(e));
    }

    @Test
    @DisplayName("a request's own failure (a duplicate key) and a lock held by another connection (busy) are not")
    void requestFailuresAndLocksAreNot() throws Exception {
        Path file = dir.resolve("r.db");
        SqliteFiles.exec(file, "CREATE TABLE t (x PRIMARY KEY)", "INSERT INTO t VALUES (1)");
        SQLException duplicate = failure(file, "INSERT INTO t VALUES (1)");
        assertEquals(Failures.CONFLICT, SqliteErrors.classify(duplicate).code());
        assertNull(SqliteErrors.storageFailure(duplicate));
        try (Connection holder = SqliteFiles.connect(file);
                Statement h = holder.createStatement()) {
            h.execute("BEGIN IMMEDIATE");
            SQLException busy = failure(file, "PRAGMA busy_timeout = 0", "BEGIN IMMEDIATE");
            assertEquals(Failures.UNAVAILABLE, SqliteErrors.classify(busy).code());
            assertNull(SqliteErrors.storageFailure(busy));
            h.execute("ROLLBACK");
        }
    }
}
