package dev.agentstore.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.SqliteFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The keyword monitor across kill -9")
class KeywordMonitorKillTest {
    static final int BATCHES = 60;
    static final int PER_BATCH = 50;

    @Test
    @DisplayName(
            "killed while it writes alerts and restarted, it leaves exactly one alert per rule, keyword and article")
    void exactlyOnceAcrossKill(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        Path db = dir.resolve("monitor.db");
        Map<String, String> env = Map.of(
                "AGENTSTORE_HTTP_PORT", String.valueOf(port), "AGENTSTORE_DATABASE_WORKFLOW_PATH", db.toString());
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + port;
        Set<String> expected = new HashSet<>();
        long atKill;
        try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain(), dir, env)) {
            p.awaitLine("agent-store ready on", 30_000);
            assertEquals(
                    201,
                    post(
                                    client,
                                    base + "/api/alert-rules",
                                    new JsonObject()
                                            .put(
                                                    "keywords",
                                                    new JsonArray().add("LLM").add("Agent")))
                            .statusCode());
            for (int b = 0; b < BATCHES; b++) {
                JsonArray batch = new JsonArray();
                for (int i = 0; i < PER_BATCH; i++) {
                    String id = "k" + b + "-" + i;
                    String title = "An LLM story " + id;
                    // every other article names an agent in its content too: two alerts
                    batch.add(new JsonObject()
                            .put("id", id)
                            .put("url", "https://kill.example/" + id)
                            .put("title", title)
                            .put("content", i % 2 == 0 ? "about an AGENT" : "nothing more"));
                    expected.add("Keyword 'LLM' detected in " + title);
                    if (i % 2 == 0) {
                        expected.add("Keyword 'Agent' detected in " + title);
                    }
                }
                assertEquals(
                        201,
                        post(client, base + "/api/articles", new JsonObject().put("articles", batch))
                                .statusCode());
            }
            Eventually.await(
                    "the monitor has written some alerts",
                    Duration.ofSeconds(60),
                    () -> SqliteFiles.count(db, "alerts") >= 200);
            p.process.destroyForcibly();
            assertTrue(p.process.waitFor(30, TimeUnit.SECONDS));
            atKill = SqliteFiles.count(db, "alerts");
        }
        assertTrue(atKill < expected.size(), "killed before it was done: " + atKill + " of " + expected.size());

        try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain(), dir, env)) {
            p.awaitLine("agent-store ready on", 30_000);
            // its cursor is stored once every alert of a page is written: past the last article, all are
            long lastArticle = SqliteFiles.number(db, "SELECT max(seq) FROM changes WHERE entity = 'article'");
            Eventually.await(
                    "the monitor past the last article",
                    Duration.ofSeconds(120),
                    () -> SqliteFiles.number(
                                    db,
                                    "SELECT coalesce(max(seq), 0) FROM feed_cursors WHERE consumer = ?",
                                    KeywordMonitor.CONSUMER)
                            >= lastArticle);
            List<String> messages = SqliteFiles.column(db, "SELECT message FROM alerts ORDER BY id");
            assertEquals(expected.size(), messages.size(), "one alert per keyword and article, none twice");
            assertEquals(expected, new HashSet<>(messages));
            System.out.println("alerts at the kill " + atKill + ", after the restart " + messages.size());
        }
    }

    static HttpResponse<String> post(HttpClient client, String uri, JsonObject body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
