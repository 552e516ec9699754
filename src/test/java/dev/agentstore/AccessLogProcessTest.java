package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.ServerProcess;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log as the server process writes it: on stderr in the server's one-line format by default, and in a
 * file of its own, JSON lines and nothing else, with the shipped conf/access-log.properties.
 */
@DisplayName("The access log of the server process: stderr by default, a file of its own with access-log.properties")
class AccessLogProcessTest {
    static final long START_MS = 30_000;

    static int get(int port, String path, String requestId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("X-Request-Id", requestId)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(requestId, r.headers().firstValue("X-Request-Id").orElse(null));
        return r.statusCode();
    }

    @Test
    @DisplayName("by default, one plain line per request on stderr, in the server's format, on agentstore.access")
    void plainOnStderr(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess p = ServerProcess.start(
                ServerProcess.javaMain(),
                dir,
                Map.of(
                        "AGENTSTORE_HTTP_PORT", String.valueOf(port),
                        "AGENTSTORE_DATABASE_WORKFLOW_PATH",
                                dir.resolve("wf.db").toString()))) {
            p.awaitLine("agent-store ready on", START_MS);
            assertEquals(200, get(port, "/api/health/live", "process-plain-1"));
            String line = p.awaitLine("process-plain-1", 10_000);
            assertTrue(
                    line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO agentstore\\.access - GET"
                            + " /api/health/live 200 \\d+\\.\\d{3} \\d+ process-plain-1 -"),
                    line);
            p.terminate();
            assertEquals(0, p.awaitExit(30_000), p.output());
        }
    }

    @Test
    @DisplayName("with conf/access-log.properties and log.access json, the access file holds JSON lines only, and"
            + " stderr no access line")
    void jsonInAFileOfItsOwn(@TempDir Path dir) throws Exception {
        Path access = dir.resolve("access.0.log");
        String shipped = Files.readString(Path.of("conf/access-log.properties"));
        assertTrue(shipped.contains("/data/access.%g.log"), "the shipped pattern, replaced below");
        Path properties = dir.resolve("logging.properties");
        Files.writeString(
                properties,
                shipped.replace(
                        "/data/access.%g.log", dir.resolve("access.%g.log").toString()));
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(ServerProcess.javaMain());
        command.add(1, "-Djava.util.logging.config.file=" + properties);
        try (ServerProcess p = ServerProcess.start(
                command,
                dir,
                Map.of(
                        "AGENTSTORE_HTTP_PORT", String.valueOf(port),
                        "AGENTSTORE_DATABASE_WORKFLOW_PATH",
                                dir.resolve("wf.db").toString(),
                        "AGENTSTORE_LOG_ACCESS", "json"))) {
            String ready = p.awaitLine("agent-store ready on", START_MS);
            assertTrue(ready.contains(" INFO dev.agentstore.Main - "), "stderr in the server's format: " + ready);
            assertEquals(200, get(port, "/api/health/live", "process-json-1"));
            assertEquals(404, get(port, "/nowhere", "process-json-2"));
            Eventually.await(
                    "two lines in " + access,
                    Duration.ofSeconds(10),
                    () -> Files.exists(access) && lines(access).size() >= 2);
            List<String> lines = lines(access);
            assertEquals(2, lines.size(), String.join("\n", lines));
            JsonObject first = new JsonObject(lines.get(0));
            assertEquals("process-json-1", first.getString("request_id"));
            assertEquals("/api/health/live", first.getString("route"));
            JsonObject second = new JsonObject(lines.get(1));
            assertEquals("process-json-2", second.getString("request_id"));
            assertEquals(404, second.getInteger("status"));
            p.terminate();
            assertEquals(0, p.awaitExit(30_000), p.output());
            assertEquals(0, p.linesContaining("agentstore.access"), p.output());
            assertEquals(0, p.linesContaining("process-json-1"), p.output());
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isEmpty()).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
