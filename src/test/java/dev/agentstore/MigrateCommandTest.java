package dev.agentstore;

import static dev.agentstore.support.SqliteFiles.column;
import static dev.agentstore.support.SqliteFiles.exec;
import static dev.agentstore.support.SqliteFiles.journalMode;
import static dev.agentstore.support.SqliteFiles.sha256;
import static dev.agentstore.support.SqliteFiles.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.store.migration.Migrations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName(
        "java -jar agent-store.jar migrate status | up [--to N] | down --to N, with --dry-run and --allow-data-loss")
class MigrateCommandTest {
    @TempDir
    Path dir;

    Path file;
    Path config;

    /** One run of the command: its exit code and what it printed. */
    record Run(int code, String out, String err) {}

    @BeforeEach
    void configFile() throws Exception {
        file = dir.resolve("data").resolve("workflow.db");
        config = dir.resolve("config.yaml");
        Files.writeString(config, "database:\n  workflow:\n    path: " + file + "\n");
    }

    Run migrate(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config");
        all.add(config.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MigrateCommand.run(
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("status of a file that does not exist yet lists every migration as pending and creates nothing")
    void statusOfMissingFile() {
        Run r = migrate("status");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("database workflow (" + file + ")"), r.out());
        assertTrue(
                r.out()
                        .contains(
                                "file does not exist yet: version 0, pending [0001_python_schema, 0002_list_indexes, 0003_write_semantics, 0004_change_feed, 0005_alert_rules]"),
                r.out());
        assertFalse(Files.exists(file));
    }

    @Test
    @DisplayName("up --to 1, status, then up: one version at a time, and the file ends in WAL mode")
    void upStepByStep() throws Exception {
        Run first = migrate("up", "--to", "1");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("applied migration 0001_python_schema"), first.out());
        assertTrue(first.out().contains("at version 1"), first.out());
        assertEquals(List.of("1"), versions(file));

        Run status = migrate("status");
        assertEquals(0, status.code(), status.err());
        assertTrue(
                status.out()
                        .contains("current version: 1 (latest known: "
                                + Migrations.classpath().latest() + ")"),
                status.out());
        assertTrue(status.out().matches("(?s).*applied  0001_python_schema at \\d{4}-\\d\\d-\\d\\dT.*"), status.out());
        assertTrue(status.out().contains("pending  0002_list_indexes"), status.out());

        Run rest = migrate("up");
        assertEquals(0, rest.code(), rest.err());
        assertTrue(rest.out().contains("applied migration 0002_list_indexes"), rest.out());
        assertEquals(List.of("1", "2", "3", "4", "5"), versions(file));
        assertEquals("wal", journalMode(file));

        Run again = migrate("up");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("at version 5 (nothing to do)"), again.out());
    }

    @Test
    @DisplayName("--dry-run prints the SQL it would run and changes nothing, not even a missing file")
    void dryRunChangesNothing() throws Exception {
        Run missing = migrate("up", "--dry-run");
        assertEquals(0, missing.code(), missing.err());
        assertTrue(missing.out().contains("-- up 0001_python_schema"), missing.out());
        assertTrue(missing.out().contains("CREATE TABLE IF NOT EXISTS workflow_states ("), missing.out());
        assertTrue(missing.out().contains("CREATE INDEX IF NOT EXISTS idx_workflow_status_created_at"), missing.out());
        assertFalse(Files.exists(file));

        assertEquals(0, migrate("up", "--to", "1").code());
        String before = sha256(file);
        Run up = migrate("up", "--dry-run");
        assertEquals(0, up.code(), up.err());
        assertFalse(up.out().contains("0001_python_schema"), up.out());
        assertTrue(up.out().contains("-- up 0002_list_indexes"), up.out());
        Run down = migrate("down", "--to", "0", "--dry-run");
        assertEquals(0, down.code(), down.err());
        assertTrue(down.out().contains("-- down 0001_python_schema (drops data: needs --allow-data-loss)"), down.out());
        assertTrue(down.out().contains("DROP TABLE IF EXISTS workflow_states;"), down.out());
        assertEquals(before, sha256(file));
        assertEquals(List.of("1"), versions(file));
    }

    @Test
    @DisplayName(
            "down refuses to go below a version that drops data without --allow-data-loss (exit 1), and goes with it")
    void downNeedsAllowDataLoss() throws Exception {
        assertEquals(0, migrate("up").code());
        exec(file, "INSERT INTO articles (id, title) VALUES ('a-1', 'kept until asked')");
        String before = sha256(file);

        Run refused = migrate("down", "--to", "0");
        assertEquals(1, refused.code(), refused.out());
        assertTrue(
                refused.err()
                        .contains("going below version 5 (0005_alert_rules) drops tables and their rows;"
                                + " pass --allow-data-loss"),
                refused.err());
        assertEquals(before, sha256(file));

        Run toTwo = migrate("down", "--to", "2");
        assertEquals(1, toTwo.code(), "0003 drops the idempotency keys: " + toTwo.out());
        assertEquals(before, sha256(file));

        Run toOne = migrate("down", "--to", "1", "--allow-data-loss");
        assertEquals(0, toOne.code(), toOne.err());
        assertTrue(toOne.out().contains("reverted migration 0003_write_semantics"), toOne.out());
        assertTrue(toOne.out().contains("reverted migration 0002_list_indexes"), toOne.out());
        assertEquals(List.of("1"), versions(file));

        Run toZero = migrate("down", "--to", "0", "--allow-data-loss");
        assertEquals(0, toZero.code(), toZero.err());
        assertTrue(toZero.out().contains("reverted migration 0001_python_schema"), toZero.out());
        assertEquals(List.of(), versions(file));
        assertEquals(List.of(), column(file, "SELECT name FROM sqlite_master WHERE name = 'articles'"));
    }

    @Test
    @DisplayName("a file from a newer agent-store: status and up fail with exit 1 and leave it byte for byte")
    void newerFileFails() throws Exception {
        assertEquals(0, migrate("up").code());
        exec(
                file,
                "INSERT INTO schema_version VALUES (99, 'from_the_future', '2030-01-01T00:00:00.000Z', NULL)",
                "PRAGMA journal_mode=DELETE");
        String before = sha256(file);
        for (String verb : List.of("status", "up")) {
            Run r = migrate(verb);
            assertEquals(1, r.code(), verb + ": " + r.out());
            assertTrue(
                    r.err().contains("agent-store migrate: database workflow: the database is at schema version 99"),
                    r.err());
        }
        assertEquals(before, sha256(file));
    }

    @ParameterizedTest(name = "migrate {0}")
    @ValueSource(
            strings = {
                "",
                "sideways",
                "down",
                "up --to 9",
                "up --to two",
                "down --to",
                "status --force",
                "status --database nope"
            })
    @DisplayName("bad usage exits 2 with the usage text or the reason, and touches no file")
    void badUsage(String args) {
        Run r = migrate(args.isEmpty() ? new String[0] : args.split(" "));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("agent-store migrate: "), r.err());
        assertFalse(Files.exists(file));
    }

    @Test
    @DisplayName("a --config file that does not exist is bad usage too (exit 2)")
    void missingConfigFile() {
        config = dir.resolve("nowhere.yaml");
        Run r = migrate("status");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("config file " + config + " does not exist"), r.err());
    }
}
