package dev.agentstore;

import static dev.agentstore.support.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code backup} command against a running server's files, its usage errors, and kill -9 of a server in the
 * middle of a backup: nothing is left under a backup's name, and the next start deletes the partial copy.
 */
@DisplayName(
        "backup command: against a running server; bad usage; kill -9 mid-backup leaves no file under a backup's name")
class BackupCommandTest {
    @TempDir
    Path home;

    record Run(int code, String out, String err) {}

    static Run backup(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BackupCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path config() throws IOException {
        Path file = home.resolve("config.yaml");
        Files.writeString(
                file,
                "database:\n  workflow: {path: " + home.resolve("workflow.db") + "}\n" + "backup: {dir: "
                        + home.resolve("backups") + "}\n");
        return file;
    }

    static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("against the files of a running server: exit 0, a complete backup with the rows acknowledged before")
    void againstARunningServer() throws Exception {
        Path config = config();
        try (TestServer server = TestServer.start(home, Files.readString(config))) {
            for (int i = 0; i < 20; i++) {
                json(
                        201,
                        server.send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", "w" + i)));
            }
            Path to = home.resolve("elsewhere");
            Run run = backup("--config", config.toString(), "--to", to.toString());
            assertEquals(0, run.code(), run.err());
            assertTrue(run.out().startsWith("backup "), run.out());
            List<String> made = entries(to);
            assertEquals(1, made.size(), made.toString());
            JsonObject manifest =
                    new JsonObject(Files.readString(to.resolve(made.get(0)).resolve("manifest.json")));
            assertEquals("command", manifest.getString("trigger"));
            JsonObject db = manifest.getJsonObject("databases").getJsonObject("workflow");
            assertEquals(20L, db.getJsonObject("rows").getLong("workflow_states"));
            assertEquals("ok", db.getString("integrity_check"));
            assertEquals(20, SqliteFiles.count(to.resolve(made.get(0)).resolve("workflow.db"), "workflow_states"));
        }
    }

    @Test
    @DisplayName("of a Python implementation's file (rollback journal, version 1): the source stays byte for byte,"
            + " the copy holds its rows")
    void leavesAPythonFileAsItIs() throws Exception {
        Path config = config();
        Path db = home.resolve("workflow.db");
        SqliteFiles.script(db, "/fixtures/python/v1_schema.sql");
        SqliteFiles.script(db, "/fixtures/python/articles_and_alerts_rows.sql");
        byte[] before = Files.readAllBytes(db);
        Run run = backup("--config", config.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(db)), "the source is unchanged");
        assertFalse(Files.exists(home.resolve("workflow.db-wal")), "not switched to WAL");
        List<String> made = entries(home.resolve("backups"));
        Path copy = home.resolve("backups").resolve(made.get(0)).resolve("workflow.db");
        assertEquals(SqliteFiles.count(db, "articles"), SqliteFiles.count(copy, "articles"));
        assertEquals(SqliteFiles.count(db, "alerts"), SqliteFiles.count(copy, "alerts"));
        assertTrue(SqliteFiles.count(copy, "articles") > 0);
    }

    @Test
    @DisplayName("bad usage or an unknown database is exit 2, a database file that does not exist exit 1")
    void usage() throws Exception {
        Path config = config();
        assertEquals(2, backup("--bogus").code());
        assertEquals(2, backup("--to").code());
        Run unknown = backup("--config", config.toString(), "--database", "nope");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no database 'nope'"), unknown.err());
        Run missing = backup("--config", config.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        assertEquals(List.of(), entries(home.resolve("backups")));
    }

    @Test
    @DisplayName("kill -9 of the server while it writes a backup: no directory under a backup's name; the next start"
            + " deletes the partial copy")
    void killedMidBackup() throws Exception {
        Path config = config();
        try (TestServer server = TestServer.start(home, Files.readString(config))) {
            json(201, server.send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", "w")));
        }
        // big enough that the copy takes a while: about 160 MB
        SqliteFiles.execute(
                home.resolve("workflow.db"),
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80000)"
                        + " INSERT INTO workflow_states (id, workflow_name, status, data, created_at, updated_at)"
                        + " SELECT 'filler-' || i, 'filler', 'pending', hex(randomblob(1000)),"
                        + " '2026-01-01T00:00:00', '2026-01-01T00:00:00' FROM n");
        Path backups = home.resolve("backups");
        int port = ServerProcess.freePort();
        Map<String, String> env = Map.of("AGENTSTORE_HTTP_PORT", Integer.toString(port));
        try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain("--config", config.toString()), home, env)) {
            p.awaitLine("agent-store ready on", 60_000);
            HttpResponse<String> started = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/admin/backups"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(202, started.statusCode(), started.body());
            String id = new JsonObject(started.body()).getString("id");
            Path partialCopy = backups.resolve("." + id + ".partial").resolve("workflow.db");
            Eventually.await(
                    "the copy under way",
                    Duration.ofSeconds(60),
                    () -> partialCopy.toFile().length() > 0);
            p.process.destroyForcibly();
            p.awaitExit(30_000);
            List<String> left = entries(backups);
            assertFalse(left.contains(id), "a backup's name after kill -9: " + left);
            assertTrue(left.stream().allMatch(n -> n.startsWith(".")), left.toString());
            assertTrue(left.contains("." + id + ".partial"), "killed mid-copy: " + left);
        }
        try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain("--config", config.toString()), home, env)) {
            p.awaitLine("agent-store ready on", 60_000);
            assertEquals(List.of(), entries(backups), "the partial copy is deleted at start");
            p.terminate();
            assertEquals(0, p.awaitExit(30_000), p.output());
        }
    }
}
