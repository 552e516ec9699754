package dev.agentstore;

import static dev.agentstore.support.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.BackupsDone;
import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code restore}: a backup round-trips every row of every table of both databases; a damaged backup, one of a
 * newer schema, and a database that a running server holds are refused with exit 1, changing nothing.
 */
@DisplayName(
        "restore: round-trips every row; refuses a damaged or newer backup and a database in use, changing nothing")
class RestoreCommandTest {
    @TempDir
    Path home;

    record Run(int code, String out, String err) {}

    String yaml() {
        return "database:\n"
                + "  workflow: {path: " + home.resolve("workflow.db") + "}\n"
                + "  agent_versions: {path: " + home.resolve("agents.db") + "}\n"
                + "backup: {dir: " + home.resolve("backups") + "}\n";
    }

    Path config() throws IOException {
        Path file = home.resolve("config.yaml");
        if (!Files.exists(file)) {
            Files.writeString(file, yaml() + "http: {port: 0}\n");
        }
        return file;
    }

    Run restore(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", config().toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RestoreCommand.run(
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Every row of every table, in rowid order, as text: two files hold the same rows when their dumps are equal. */
    static Map<String, List<String>> dump(Path file) throws Exception {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (Connection c = SqliteFiles.connect(file);
                Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String table : names) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY rowid")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.append(md.getColumnName(i))
                                    .append('=')
                                    .append(rs.getString(i))
                                    .append('|');
                        }
                        rows.add(row.toString());
                    }
                }
                tables.put(table, rows);
            }
        }
        return tables;
    }

    /** Rows in every table of both databases, through the API. */
    static String fill(TestServer server, String name) {
        String id = json(
                        201,
                        server.send(
                                HttpMethod.POST,
                                "/api/workflows",
                                new JsonObject()
                                        .put("workflow_name", name)
                                        .put("initial_data", new JsonObject().put("text", "é \u2028 \uD83D\uDE00"))))
                .getString("id");
        json(200, server.send(HttpMethod.PUT, "/api/workflows/" + id, new JsonObject().put("status", "running")));
        json(
                201,
                server.send(
                        HttpMethod.POST,
                        "/api/articles",
                        new JsonObject().put("id", name + "-article").put("url", "https://example.org/" + name)));
        json(201, server.send(HttpMethod.POST, "/api/alerts", new JsonObject().put("title", name)));
        json(
                201,
                server.send(
                        HttpMethod.POST,
                        "/api/agents/" + name + "/versions",
                        new JsonObject().put("version", "1").put("code", "print('" + name + "')")));
        return id;
    }

    static List<String> aside(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".before-restore-"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    @DisplayName("round trip: the restored files hold exactly the backup's rows, table by table; the later ones are in"
            + " the files moved aside; the server starts on the restored files")
    void roundTrip() throws Exception {
        Map<String, List<String>> workflowsThen;
        Map<String, List<String>> agentsThen;
        String before;
        String after;
        String id;
        try (TestServer server = TestServer.start(home, yaml())) {
            before = fill(server, "before");
            workflowsThen = dump(home.resolve("workflow.db"));
            agentsThen = dump(home.resolve("agents.db"));
            id = BackupsDone.take(server).getString("id");
            after = fill(server, "after");
        }
        assertFalse(dump(home.resolve("workflow.db")).equals(workflowsThen), "rows were added after the backup");

        Run run = restore(id);
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("restored workflow from backup " + id), run.out());
        assertTrue(run.out().contains("restored agent_versions from backup " + id), run.out());
        assertEquals(workflowsThen, dump(home.resolve("workflow.db")));
        assertEquals(agentsThen, dump(home.resolve("agents.db")));

        List<String> moved = aside(home);
        assertTrue(moved.stream().anyMatch(n -> n.startsWith("workflow.db.before-restore-")), moved.toString());
        assertTrue(moved.stream().anyMatch(n -> n.startsWith("agents.db.before-restore-")), moved.toString());
        Path old = home.resolve(moved.stream()
                .filter(n -> n.startsWith("workflow.db.before-restore-") && !n.contains("-wal") && !n.contains("-shm"))
                .findFirst()
                .orElseThrow());
        assertEquals(1, SqliteFiles.number(old, "SELECT count(*) FROM workflow_states WHERE id = ?", after));

        try (TestServer server = TestServer.start(home, yaml())) {
            assertEquals(200, server.get("/api/workflows/" + before).statusCode());
            assertEquals(404, server.get("/api/workflows/" + after).statusCode());
            assertEquals(200, server.get("/api/agents/before/versions/1").statusCode());
            assertEquals(404, server.get("/api/agents/after/versions/1").statusCode());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "flipped byte",
                "truncated",
                "truncated, checksum rewritten",
                "newer schema",
                "copy missing",
                "no manifest"
            })
    @DisplayName("a damaged backup, or one of a newer schema, is refused with exit 1 and nothing changes")
    void refusesDamaged(String damage) throws Exception {
        String id;
        try (TestServer server = TestServer.start(home, yaml())) {
            fill(server, "x");
            id = BackupsDone.take(server).getString("id");
            fill(server, "y");
        }
        Path backup = home.resolve("backups").resolve(id);
        Path copy = backup.resolve("workflow.db");
        Path manifest = backup.resolve("manifest.json");
        String expected;
        switch (damage) {
            case "flipped byte" -> {
                try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
                    f.seek(f.length() / 2);
                    int b = f.read();
                    f.seek(f.length() / 2);
                    f.write(b ^ 0x01);
                }
                expected = "SHA-256";
            }
            case "truncated" -> {
                try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
                    f.setLength(f.length() / 2);
                }
                expected = "SHA-256";
            }
            case "truncated, checksum rewritten" -> {
                try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
                    f.setLength(f.length() / 2);
                }
                rewriteChecksum(manifest, copy);
                expected = "backup " + backup;
            }
            case "newer schema" -> {
                SqliteFiles.execute(
                        copy,
                        "UPDATE schema_version SET version = 999 WHERE version = (SELECT max(version) FROM schema_version)");
                rewriteChecksum(manifest, copy);
                expected = "newer than this agent-store knows";
            }
            case "copy missing" -> {
                Files.delete(copy);
                expected = "lacks workflow.db";
            }
            case "no manifest" -> {
                Files.delete(manifest);
                expected = "is not a backup";
            }
            default -> throw new IllegalArgumentException(damage);
        }
        Map<String, String> files = hashes(home);
        Run run = restore(id);
        assertEquals(1, run.code(), run.out() + run.err());
        assertTrue(run.err().contains(expected), run.err());
        assertTrue(run.err().contains("nothing was changed"), run.err());
        assertEquals(files, hashes(home), "no file of the databases changed");
        assertEquals(List.of(), aside(home));
    }

    @Test
    @DisplayName("a database a running server (another process) has open is refused with exit 1, and nothing changes")
    void refusesADatabaseInUse() throws Exception {
        String id;
        try (TestServer server = TestServer.start(home, yaml())) {
            fill(server, "x");
            id = BackupsDone.take(server).getString("id");
        }
        int port = ServerProcess.freePort();
        try (ServerProcess p = ServerProcess.start(
                ServerProcess.javaMain("--config", config().toString()),
                home,
                Map.of("AGENTSTORE_HTTP_PORT", Integer.toString(port)))) {
            p.awaitLine("agent-store ready on", 60_000);
            Map<String, String> files = hashes(home);
            Run run = restore(id, "--database", "workflow");
            assertEquals(1, run.code(), run.out() + run.err());
            assertTrue(run.err().contains("is open in another process"), run.err());
            assertEquals(List.of(), aside(home));
            assertEquals(files.get("workflow.db"), hashes(home).get("workflow.db"));
            p.terminate();
            assertEquals(0, p.awaitExit(30_000), p.output());
        }
        Run run = restore(id, "--database", "workflow");
        assertEquals(0, run.code(), run.err());
    }

    @Test
    @DisplayName("bad usage is exit 2: no backup named, an unknown flag, a database the configuration lacks")
    void usage() throws Exception {
        assertEquals(2, restore().code());
        assertEquals(2, restore("x", "--bogus").code());
        try (TestServer server = TestServer.start(home, yaml())) {
            fill(server, "x");
            String id = BackupsDone.take(server).getString("id");
            Run run = restore(id, "--database", "nope");
            assertEquals(2, run.code());
            assertTrue(run.err().contains("'nope'"), run.err());
        }
        Run missing = restore("no-such-backup");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no backup no-such-backup"), missing.err());
    }

    static void rewriteChecksum(Path manifest, Path copy) throws Exception {
        JsonObject m = new JsonObject(Files.readString(manifest));
        m.getJsonObject("databases").getJsonObject("workflow").put("sha256", sha256(copy));
        Files.writeString(manifest, m.encodePrettily());
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** SHA-256 of each file of the databases in {@code dir} (not the backups). */
    static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("workflow.db") || n.startsWith("agents.db")) {
                    out.put(n, sha256(p));
                }
            }
        }
        return out;
    }
}
