package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.SqliteFiles;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SIGTERM while a reader of another process holds an older snapshot: the WAL checkpoint cannot finish")
class ShutdownCheckpointTest {
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    static ServerProcess start(Path dir, Path db, int port) throws Exception {
        ServerProcess p = ServerProcess.start(
                ServerProcess.javaMain(),
                dir,
                Map.of(
                        "AGENTSTORE_HTTP_PORT",
                        String.valueOf(port),
                        "AGENTSTORE_DATABASE_WORKFLOW_PATH",
                        db.toString()));
        p.awaitLine("agent-store ready on", 30_000);
        return p;
    }

    static HttpResponse<String> send(HttpRequest.Builder req) throws Exception {
        return CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<String> create(int port, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r =
                    send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/workflows"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"workflow_name\":\"kept-" + i + "\"}")));
            assertEquals(201, r.statusCode(), r.body());
            ids.add(new JsonObject(r.body()).getString("id"));
        }
        return ids;
    }

    @Test
    @DisplayName(
            "exits 4 with one message naming the -wal left, its size and that the writes are safe in it;"
                    + " once the reader is gone a restart serves every row and a clean stop exits 0 with the main file complete")
    void blockedCheckpointExitsNonZeroAndLosesNothing(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("wf.db");
        Path wal = dir.resolve("wf.db-wal");
        int port = ServerProcess.freePort();
        List<String> ids = new ArrayList<>();
        try (ServerProcess p = start(dir, db, port);
                Connection reader = SqliteFiles.open(db)) {
            ids.addAll(create(port, 10));
            reader.setAutoCommit(false);
            try (Statement s = reader.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM workflow_states")) {
                rs.next();
                assertEquals(10, rs.getInt(1)); // its snapshot: the checkpoint cannot copy what comes after it
            }
            ids.addAll(create(port, 10));

            p.terminate();
            assertEquals(4, p.awaitExit(60_000), p.output());
            String message = p.output()
                    .lines()
                    .filter(l -> l.startsWith("agent-store: stopped, but not cleanly"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no message about the stop:\n" + p.output()));
            assertTrue(message.contains(wal + " (" + Files.size(wal) + " bytes) is left"), message);
            assertTrue(message.contains("blocked by a reader of another process"), message);
            assertTrue(
                    message.contains("every acknowledged write is safe in it, and the next start reads it"), message);
            assertFalse(p.output().contains("agent-store stopped"), p.output());
            reader.rollback();
        }

        int again = ServerProcess.freePort();
        try (ServerProcess p = start(dir, db, again)) {
            for (String id : ids) {
                HttpResponse<String> r =
                        send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + again + "/api/workflows/" + id)));
                assertEquals(200, r.statusCode(), id + ": " + r.body());
            }
            p.terminate();
            assertEquals(0, p.awaitExit(60_000), p.output());
        }
        assertFalse(Files.exists(wal), "a clean stop leaves no -wal");
        assertEquals(20, SqliteFiles.number(db, "SELECT count(*) FROM workflow_states"));
    }
}
