package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.SqliteFiles;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The server process: environment, ready line, SIGTERM, exit codes")
class MainProcessTest {
    static final long START_MS = 30_000;

    @Test
    @DisplayName(
            "serves on AGENTSTORE_HTTP_PORT and AGENTSTORE_DATABASE_WORKFLOW_PATH, and SIGTERM stops it with 0, keeping its writes")
    void servesConfiguredPortAndFileAndStopsCleanly(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        Path db = dir.resolve("elsewhere").resolve("wf.db");
        try (ServerProcess p = ServerProcess.start(
                ServerProcess.javaMain(),
                dir,
                Map.of(
                        "AGENTSTORE_HTTP_PORT", String.valueOf(port),
                        "AGENTSTORE_DATABASE_WORKFLOW_PATH", db.toString()))) {
            String ready = p.awaitLine("agent-store ready on", START_MS);
            assertTrue(ready.endsWith("agent-store ready on http://127.0.0.1:" + port), port + " / " + ready);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> created = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/workflows"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"workflow_name\":\"proc\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            p.terminate();
            assertEquals(0, p.awaitExit(30_000), p.output());
            assertTrue(p.output().contains("agent-store stopped"), p.output());
        }
        assertTrue(Files.exists(db));
        assertTrue(Files.notExists(dir.resolve("data")), "nothing under the default ./data");
        assertEquals(1, SqliteFiles.number(db, "SELECT count(*) FROM workflow_states WHERE workflow_name = 'proc'"));
    }

    @Test
    @DisplayName("a bad value exits with status 2 and a message naming the key")
    void badConfigExitsWith2(@TempDir Path dir) throws Exception {
        try (ServerProcess p =
                ServerProcess.start(ServerProcess.javaMain(), dir, Map.of("AGENTSTORE_HTTP_PORT", "eighty"))) {
            assertEquals(2, p.awaitExit(START_MS), p.output());
            assertTrue(p.output().contains("http.port"), p.output());
        }
    }

    @Test
    @DisplayName("a malformed --config file exits with status 2; so does an unknown argument")
    void malformedFileExitsWith2(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "http: {port: 80\n");
        try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain("--config", "broken.yaml"), dir, Map.of())) {
            assertEquals(2, p.awaitExit(START_MS), p.output());
            assertTrue(p.output().contains("broken.yaml"), p.output());
        }
        try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain("--bogus"), dir, Map.of())) {
            assertEquals(2, p.awaitExit(START_MS), p.output());
        }
    }

    @Test
    @DisplayName("--config without a path exits with status 2 and says that it needs one")
    void configWithoutPathExitsWith2(@TempDir Path dir) throws Exception {
        try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain("--config"), dir, Map.of())) {
            assertEquals(2, p.awaitExit(START_MS), p.output());
            assertTrue(p.output().contains("agent-store: --config needs a path"), p.output());
        }
    }

    @Test
    @DisplayName(
            "an http.host that is not an address of this machine exits with status 2 naming the key, before binding")
    void foreignHostExitsWith2(@TempDir Path dir) throws Exception {
        // TEST-NET-3 (RFC 5737): on no interface; nothing is sent to it.
        try (ServerProcess p = ServerProcess.start(
                ServerProcess.javaMain(),
                dir,
                Map.of(
                        "AGENTSTORE_HTTP_HOST",
                        "203.0.113.7",
                        "AGENTSTORE_DATABASE_WORKFLOW_PATH",
                        dir.resolve("w.db").toString()))) {
            assertEquals(2, p.awaitExit(START_MS), p.output());
            assertTrue(p.output().contains("bad configuration: http.host '203.0.113.7'"), p.output());
        }
        assertTrue(Files.notExists(dir.resolve("w.db")), "refused before the store opened its file");
    }

    @Test
    @DisplayName("a port already in use makes the start fail with status 1, naming the host and port it could not take")
    void busyPortExitsWith1(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                ServerProcess p = ServerProcess.start(
                        ServerProcess.javaMain(),
                        dir,
                        Map.of(
                                "AGENTSTORE_HTTP_PORT", String.valueOf(taken.getLocalPort()),
                                "AGENTSTORE_DATABASE_WORKFLOW_PATH",
                                        dir.resolve("w.db").toString()))) {
            assertEquals(1, p.awaitExit(START_MS), p.output());
            assertTrue(p.output().contains("failed to start"), p.output());
            assertTrue(
                    p.output()
                            .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (http.host, http.port)"),
                    p.output());
        }
    }
}
