package dev.agentstore.store.migration;

import static dev.agentstore.support.SqliteFiles.column;
import static dev.agentstore.support.SqliteFiles.columns;
import static dev.agentstore.support.SqliteFiles.dump;
import static dev.agentstore.support.SqliteFiles.exec;
import static dev.agentstore.support.SqliteFiles.journalMode;
import static dev.agentstore.support.SqliteFiles.sha256;
import static dev.agentstore.support.SqliteFiles.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.store.Sqlite;
import dev.agentstore.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.BusyHandler;
import org.sqlite.Function;

@DisplayName("Migrations: versioned up and down, recorded with a checksum, safe to run from two processes")
class MigrationsTest {
    static final Migrations MIGRATIONS = Migrations.classpath();
    static final Migration PYTHON_SCHEMA = MIGRATIONS.all().get(0);
    static final String LIST_INDEX = "idx_workflow_status_created_at";

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("workflow.db");
    }

    static Connection open(Path file) throws SQLException {
        return Sqlite.openAsIs(file, "FULL", 10_000);
    }

    static List<String> indexes(Path file) throws SQLException {
        return column(
                file, "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    }

    static int upToLatest(Path file) throws Exception {
        try (Connection c = open(file)) {
            return MIGRATIONS.up(c, MIGRATIONS.latest(), line -> {});
        }
    }

    /** The columns of version 1, the Python implementation's. */
    static final String PYTHON_COLUMNS =
            "(id, workflow_name, status, current_step, data, error_message, created_at, updated_at, completed_at)";

    static void insertWorkflows(Path file) throws SQLException {
        exec(
                file,
                "INSERT INTO workflow_states " + PYTHON_COLUMNS
                        + " VALUES ('wf-1', 'scrape', 'running', 'fetch', '{\"n\": 1}', NULL,"
                        + " '2025-11-28T03:50:52.611Z', '2025-11-28T03:50:53.000Z', NULL)",
                "INSERT INTO workflow_states " + PYTHON_COLUMNS
                        + " VALUES ('wf-2', 'scrape', 'failed', NULL, NULL, 'boom',"
                        + " '2025-11-28 03:50:52', '2025-11-28 03:51:00', '2025-11-28 03:51:00')",
                "INSERT INTO workflow_history (workflow_id, status, step, message, created_at)"
                        + " VALUES ('wf-1', 'pending', NULL, 'workflow created', '2025-11-28T03:50:52.611Z')",
                "INSERT INTO workflow_history (workflow_id, status, step, message, created_at)"
                        + " VALUES ('wf-1', 'running', 'fetch', NULL, '2025-11-28T03:50:53.000Z')");
    }

    @Test
    @DisplayName("a new file is brought to the latest version, each migration recorded once with its name and checksum")
    void newFileReachesLatest() throws Exception {
        assertEquals(MIGRATIONS.latest(), upToLatest(file()));
        List<String> expected = MIGRATIONS.all().stream()
                .map(m -> m.version() + " " + m.name() + " " + m.checksum())
                .toList();
        assertEquals(
                expected,
                column(
                        file(),
                        "SELECT version || ' ' || name || ' ' || checksum FROM schema_version ORDER BY version"));
        for (String at : column(file(), "SELECT applied_at FROM schema_version")) {
            assertTrue(at.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), at);
        }
        assertEquals(
                List.of(
                        "agent_versions",
                        "alert_rules",
                        "alerts",
                        "articles",
                        "changes",
                        "feed_cursors",
                        "idempotency_keys",
                        "schema_version",
                        "sqlite_sequence",
                        "workflow_history",
                        "workflow_states"),
                column(file(), "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
        assertTrue(indexes(file()).contains(LIST_INDEX));
        assertEquals(0, upToLatest(file()), "a second run finds nothing to do");
    }

    @Test
    @DisplayName("up, down and up again: the rows stay, the schema of each version comes back")
    void roundTrip() throws Exception {
        upToLatest(file());
        insertWorkflows(file());
        Map<String, List<String>> tables = new java.util.HashMap<>(columns(file()));
        // the columns that every version has: 0003 adds version, and its down drops it
        tables.put(
                "workflow_states",
                tables.get("workflow_states").stream()
                        .filter(c -> !c.equals("version"))
                        .toList());
        Map<String, List<String>> rows = dump(
                file(),
                Map.of(
                        "workflow_states",
                        tables.get("workflow_states"),
                        "workflow_history",
                        tables.get("workflow_history")));
        List<String> allIndexes = indexes(file());
        List<String> log = new ArrayList<>();

        try (Connection c = open(file())) {
            assertEquals(4, MIGRATIONS.down(c, 1, true, log::add));
        }
        assertEquals(List.of("1"), versions(file()));
        assertFalse(indexes(file()).contains(LIST_INDEX));
        assertEquals(
                rows,
                dump(
                        file(),
                        Map.of(
                                "workflow_states",
                                tables.get("workflow_states"),
                                "workflow_history",
                                tables.get("workflow_history"))));

        assertEquals(4, upToLatest(file()));
        assertEquals(List.of("1", "2", "3", "4", "5"), versions(file()));
        assertEquals(List.of("1", "1"), column(file(), "SELECT version FROM workflow_states ORDER BY id"));
        assertEquals(allIndexes, indexes(file()));
        assertEquals(
                rows,
                dump(
                        file(),
                        Map.of(
                                "workflow_states",
                                tables.get("workflow_states"),
                                "workflow_history",
                                tables.get("workflow_history"))));

        try (Connection c = open(file())) {
            assertEquals(5, MIGRATIONS.down(c, 0, true, log::add));
        }
        assertEquals(
                List.of(
                        "reverted migration 0005_alert_rules",
                        "reverted migration 0004_change_feed",
                        "reverted migration 0003_write_semantics",
                        "reverted migration 0002_list_indexes",
                        "reverted migration 0005_alert_rules",
                        "reverted migration 0004_change_feed",
                        "reverted migration 0003_write_semantics",
                        "reverted migration 0002_list_indexes",
                        "reverted migration 0001_python_schema"),
                log);
        assertEquals(
                List.of("schema_version"),
                column(
                        file(),
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"));
        assertEquals(List.of("0"), column(file(), "SELECT count(*) FROM sqlite_sequence"));
        assertEquals(List.of(), versions(file()));

        assertEquals(5, upToLatest(file()));
        assertEquals(allIndexes, indexes(file()));
        assertEquals(List.of("0"), column(file(), "SELECT count(*) FROM workflow_states"));
    }

    @Test
    @DisplayName(
            "going below a version whose down script drops data is refused without allow-data-loss, and nothing changes")
    void downRefusesDataLoss() throws Exception {
        upToLatest(file());
        insertWorkflows(file());
        String before = sha256(file());
        try (Connection c = open(file())) {
            MigrationException e =
                    assertThrows(MigrationException.class, () -> MIGRATIONS.down(c, 0, false, line -> {}));
            assertTrue(e.getMessage().contains("0005_alert_rules"), e.getMessage());
            assertTrue(e.getMessage().contains("--allow-data-loss"), e.getMessage());
        }
        assertEquals(before, sha256(file()), "nothing was reverted");
        assertEquals(List.of("1", "2", "3", "4", "5"), versions(file()));
    }

    @Test
    @DisplayName("a recorded checksum that differs from the file's is detected, and the server does not start")
    void recordedChecksumMismatchIsDetected() throws Exception {
        upToLatest(file());
        exec(file(), "UPDATE schema_version SET checksum = 'tampered' WHERE version = 2");
        try (Connection c = open(file())) {
            MigrationException e = assertThrows(MigrationException.class, () -> MIGRATIONS.verify(c));
            assertTrue(
                    e.getMessage().contains("migration 0002_list_indexes was changed after it was applied"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("recorded checksum tampered"), e.getMessage());
        }
        RuntimeException e = assertThrows(RuntimeException.class, () -> TestServer.start(dir));
        assertTrue(e.getMessage().contains("database workflow (" + file().toAbsolutePath() + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("0002_list_indexes was changed"), e.getMessage());
    }

    @Test
    @DisplayName("a migration script edited after it was applied is detected by its checksum")
    void editedScriptIsDetected() throws Exception {
        upToLatest(file());
        Migration listIndexes = MIGRATIONS.all().get(1);
        Migrations edited = new Migrations(List.of(
                PYTHON_SCHEMA,
                Migration.of(
                        2,
                        listIndexes.name(),
                        listIndexes.up() + "CREATE INDEX idx_extra ON workflow_states(updated_at);\n",
                        listIndexes.down())));
        try (Connection c = open(file())) {
            MigrationException e = assertThrows(MigrationException.class, () -> edited.up(c, 2, line -> {}));
            assertTrue(e.getMessage().contains("0002_list_indexes was changed"), e.getMessage());
        }
        assertFalse(indexes(file()).contains("idx_extra"));
    }

    @ParameterizedTest(name = "journal mode {0}")
    @ValueSource(strings = {"delete", "wal"})
    @DisplayName("a file from a newer agent-store is refused with a clear message and left byte for byte as it was")
    void newerFileIsRefusedUnchanged(String journal) throws Exception {
        upToLatest(file());
        int newer = MIGRATIONS.latest() + 1;
        exec(
                file(),
                "INSERT INTO schema_version VALUES (" + newer
                        + ", 'from_the_future', '2030-01-01T00:00:00.000Z', 'abc')",
                "PRAGMA journal_mode=" + journal);
        String before = sha256(file());

        RuntimeException e = assertThrows(RuntimeException.class, () -> TestServer.start(dir));
        assertTrue(e.getMessage().contains("database workflow (" + file().toAbsolutePath() + ")"), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains("schema version " + newer + ", newer than this agent-store knows ("
                                + MIGRATIONS.latest() + ")"),
                e.getMessage());

        assertEquals(before, sha256(file()));
        assertEquals(journal, journalMode(file()));
    }

    @Test
    @DisplayName(
            "a failing migration is rolled back whole, the file stays as it was, and the error names the migration and the SQL error")
    void failingMigrationRollsBack() throws Exception {
        Migrations broken = new Migrations(List.of(
                PYTHON_SCHEMA,
                Migration.of(
                        2,
                        "broken",
                        "CREATE TABLE made_before_the_error (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
                        "DROP TABLE made_before_the_error;\n")));
        try (Connection c = open(file())) {
            broken.up(c, 1, line -> {});
        }
        String before = sha256(file());
        List<String> log = new ArrayList<>();
        try (Connection c = open(file())) {
            MigrationException e = assertThrows(MigrationException.class, () -> broken.up(c, 2, log::add));
            assertTrue(
                    e.getMessage()
                            .startsWith(
                                    "migration 0002_broken failed and was rolled back, the database stays at version 1"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("no such table: no_such_table"), e.getMessage());
            assertTrue(e.getMessage().contains("in: INSERT INTO no_such_table"), e.getMessage());
            assertEquals(1, broken.verify(c), "the connection is usable and outside any transaction");
        }
        assertEquals(List.of(), log);
        assertEquals(before, sha256(file()));
        assertEquals(List.of(), column(file(), "SELECT name FROM sqlite_master WHERE name = 'made_before_the_error'"));
    }

    @Test
    @DisplayName(
            "a file the Python schema cannot be applied to stops the server's start, names the migration, and is left as it was")
    void serverStartStopsOnFailingMigration() throws Exception {
        exec(
                file(),
                "CREATE TABLE workflow_states (id TEXT PRIMARY KEY, workflow_name TEXT)",
                "INSERT INTO workflow_states VALUES ('x', 'kept')");
        String before = sha256(file());

        RuntimeException e = assertThrows(RuntimeException.class, () -> TestServer.start(dir));
        assertTrue(e.getMessage().contains("database workflow"), e.getMessage());
        assertTrue(e.getMessage().contains("migration 0001_python_schema failed and was rolled back"), e.getMessage());
        assertTrue(e.getMessage().contains("no such column: status"), e.getMessage());

        assertEquals(before, sha256(file()));
        assertEquals("delete", journalMode(file()));
    }

    @Test
    @DisplayName(
            "a second runner that waits on the write lock re-reads the version inside its transaction and applies nothing")
    void secondRunnerWaitsThenFindsTheWorkDone() throws Exception {
        CountDownLatch firstHoldsLock = new CountDownLatch(1);
        CountDownLatch secondWaits = new CountDownLatch(1);
        CountDownLatch firstDone = new CountDownLatch(1);
        // The first runner pauses inside its migration, write lock held, until the second one is waiting for it.
        Migrations held = new Migrations(List.of(Migration.of(
                1,
                PYTHON_SCHEMA.name(),
                PYTHON_SCHEMA.up() + "SELECT wait_for_second_runner();\n",
                PYTHON_SCHEMA.down())));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Connection first = open(file());
                Connection second = open(file())) {
            Function.create(first, "wait_for_second_runner", new Function() {
                @Override
                protected void xFunc() throws SQLException {
                    firstHoldsLock.countDown();
                    if (!await(secondWaits, 10_000)) {
                        error("the second runner never waited for the lock");
                    }
                    result(1);
                }
            });
            BusyHandler.setHandler(second, new BusyHandler() {
                @Override
                protected int callback(int attempts) {
                    secondWaits.countDown();
                    return await(firstDone, 10) || attempts < 2_000 ? 1 : 0;
                }
            });
            List<String> firstLog = new ArrayList<>();
            List<String> secondLog = new ArrayList<>();
            Future<Integer> firstRun = threads.submit(() -> {
                try {
                    return held.up(first, 1, firstLog::add);
                } finally {
                    firstDone.countDown();
                }
            });
            assertTrue(firstHoldsLock.await(10, TimeUnit.SECONDS));
            Future<Integer> secondRun = threads.submit(() -> held.up(second, 1, secondLog::add));

            assertEquals(1, firstRun.get(20, TimeUnit.SECONDS));
            assertEquals(0, secondRun.get(20, TimeUnit.SECONDS));
            assertEquals(List.of("applied migration 0001_python_schema"), firstLog);
            assertEquals(List.of(), secondLog);
            assertEquals(1, held.verify(second));
        } finally {
            threads.shutdownNow();
        }
        assertEquals(List.of("1"), versions(file()));
    }

    private static boolean await(CountDownLatch latch, long ms) {
        try {
            return latch.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    @DisplayName(
            "a Python version-1 file's schema_version, which has no checksum column, verifies and gains one on the next migration")
    void pythonSchemaVersionWithoutChecksum() throws Exception {
        try (Connection c = open(file())) {
            MIGRATIONS.up(c, 1, line -> {});
        }
        exec(
                file(),
                "ALTER TABLE schema_version DROP COLUMN checksum",
                "UPDATE schema_version SET name = 'initial_schema', applied_at = '2025-11-20 09:15:00'");
        try (Connection c = open(file())) {
            assertEquals(1, MIGRATIONS.verify(c));
            assertEquals(4, MIGRATIONS.up(c, MIGRATIONS.latest(), line -> {}));
        }
        assertEquals(
                List.of(
                        "1 initial_schema 2025-11-20 09:15:00 NULL",
                        "2 list_indexes " + MIGRATIONS.all().get(1).checksum(),
                        "3 write_semantics " + MIGRATIONS.all().get(2).checksum(),
                        "4 change_feed " + MIGRATIONS.all().get(3).checksum(),
                        "5 alert_rules " + MIGRATIONS.all().get(4).checksum()),
                column(
                        file(),
                        "SELECT version || ' ' || name || ' ' || "
                                + "CASE WHEN version = 1 THEN applied_at || ' ' || quote(checksum) ELSE checksum END FROM schema_version ORDER BY version"));
    }

    @Test
    @DisplayName(
            "index.txt lists exactly the migration files in src/main/resources/db/migration, each with its down script")
    void indexListsEveryFile() throws IOException {
        Path source = Path.of("src", "main", "resources", "db", "migration");
        List<String> ids = Files.readAllLines(source.resolve("index.txt")).stream()
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        List<String> expected = new ArrayList<>(List.of("index.txt"));
        for (String id : ids) {
            assertTrue(id.matches("\\d{4}_[a-z0-9_]+"), id + " is not NNNN_lower_snake_case");
            expected.add(id + ".sql");
            expected.add(id + ".down.sql");
        }
        try (Stream<Path> files = Files.list(source)) {
            assertEquals(
                    expected.stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(ids, MIGRATIONS.all().stream().map(Migration::id).toList());
    }
}
