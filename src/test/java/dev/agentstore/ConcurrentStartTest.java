package dev.agentstore;

import static dev.agentstore.support.SqliteFiles.column;
import static dev.agentstore.support.SqliteFiles.journalMode;
import static dev.agentstore.support.SqliteFiles.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.store.migration.Migration;
import dev.agentstore.store.migration.Migrations;
import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.SqliteFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Two server processes started at once on one new file")
class ConcurrentStartTest {
    static final Duration START = Duration.ofSeconds(60);
    static final Duration STOP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    @DisplayName(
            "both start; each migration is applied by exactly one of them and recorded once; SIGTERM stops both with 0")
    void bothStartEachMigrationAppliedOnce() throws Exception {
        Path file = dir.resolve("data").resolve("workflow.db");
        Map<String, String> env =
                Map.of("AGENTSTORE_HTTP_PORT", "0", "AGENTSTORE_DATABASE_WORKFLOW_PATH", file.toString());
        try (ServerProcess a = ServerProcess.start(ServerProcess.javaMain(), dir, env);
                ServerProcess b = ServerProcess.start(ServerProcess.javaMain(), dir, env)) {
            a.awaitLine("agent-store ready on", START.toMillis());
            b.awaitLine("agent-store ready on", START.toMillis());

            Migrations migrations = Migrations.classpath();
            for (Migration m : migrations.all()) {
                assertEquals(
                        1,
                        a.linesContaining("applied migration " + m.id())
                                + b.linesContaining("applied migration " + m.id()),
                        m.id() + " applied once in all:\n" + a.output() + "\n---\n" + b.output());
            }
            assertEquals(
                    migrations.all().stream()
                            .map(m -> String.valueOf(m.version()))
                            .toList(),
                    versions(file));
            assertEquals("wal", journalMode(file));

            a.terminate();
            b.terminate();
            assertEquals(0, a.awaitExit(STOP.toMillis()), a.output());
            assertEquals(0, b.awaitExit(STOP.toMillis()), b.output());
        }
    }

    @Test
    @DisplayName(
            "a file from a newer agent-store stops the process with exit code 1 and a message that names the file and the version")
    void newerFileExitsOne() throws Exception {
        Path file = dir.resolve("newer.db");
        SqliteFiles.exec(
                file,
                "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                "INSERT INTO schema_version VALUES (99, 'from_the_future', '2030-01-01 00:00:00')");
        Map<String, String> env =
                Map.of("AGENTSTORE_HTTP_PORT", "0", "AGENTSTORE_DATABASE_WORKFLOW_PATH", file.toString());
        try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain(), dir, env)) {
            assertEquals(1, p.awaitExit(START.toMillis()), p.output());
            assertTrue(
                    p.output()
                            .contains(
                                    "agent-store: failed to start: database workflow (" + file.toAbsolutePath() + "): "
                                            + "the database is at schema version 99, newer than this agent-store knows"),
                    p.output());
            assertEquals(List.of(), column(file, "SELECT name FROM sqlite_master WHERE name = 'workflow_states'"));
        }
    }
}
