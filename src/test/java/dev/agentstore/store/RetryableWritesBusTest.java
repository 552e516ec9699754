package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Actions;
import dev.agentstore.bus.Addresses;
import dev.agentstore.bus.Answer;
import dev.agentstore.bus.Failures;
import dev.agentstore.bus.WriteOptions;
import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Writes that agents can retry, on the event bus: keys across restarts, callers, expected versions, purge")
class RetryableWritesBusTest {
    @TempDir
    Path dir;

    static long workflows(TestServer server) {
        return SqliteFiles.count(server.workflowDb(), "workflow_states");
    }

    @Test
    @DisplayName(
            "a retried create (same key) over the bus and over HTTP, across a restart, answers the first id; one row")
    void keysSurviveRestart() {
        JsonObject body = new JsonObject().put("workflow_name", "restart");
        String busId;
        JsonObject httpFirst;
        try (TestServer server = TestServer.start(dir)) {
            Answer first = await(server.store.createWorkflow(body, WriteOptions.key("bus-key")));
            assertFalse(first.replayed());
            busId = first.body().getString("id");
            httpFirst = await(server.http
                            .post("/api/workflows")
                            .putHeader("Idempotency-Key", "http-key")
                            .sendJsonObject(body))
                    .bodyAsJsonObject();
            assertEquals(2, workflows(server));
        }
        try (TestServer server = TestServer.start(dir)) {
            Answer again = await(server.store.createWorkflow(body, WriteOptions.key("bus-key")));
            assertTrue(again.replayed());
            assertEquals(busId, again.body().getString("id"));
            var http = await(server.http
                    .post("/api/workflows")
                    .putHeader("Idempotency-Key", "http-key")
                    .sendJsonObject(body));
            assertEquals(201, http.statusCode());
            assertEquals("true", http.getHeader("Idempotent-Replayed"));
            assertEquals(httpFirst, http.bodyAsJsonObject());
            assertEquals(2, workflows(server));
        }
    }

    @Test
    @DisplayName("50 concurrent bus requests with one key write one row and get one answer")
    void concurrentOverBus() {
        try (TestServer server = TestServer.start(dir)) {
            List<Future<Answer>> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                all.add(server.store.createAlert(new JsonObject().put("title", "once"), WriteOptions.key("k50")));
            }
            await(Future.join(all));
            Set<JsonObject> bodies = new HashSet<>();
            all.forEach(f -> bodies.add(f.result().body()));
            assertEquals(1, bodies.size());
            assertEquals(49, all.stream().filter(f -> f.result().replayed()).count());
            assertEquals(1, SqliteFiles.count(server.workflowDb(), "alerts"));
        }
    }

    @Test
    @DisplayName("keys are the caller's: one key of two callers is two keys; a changed body is 422")
    void callers() {
        try (TestServer server = TestServer.start(dir)) {
            JsonObject body = new JsonObject().put("workflow_name", "callers");
            String a = await(server.store.createWorkflow(body, new WriteOptions("k", "a")))
                    .body()
                    .getString("id");
            String b = await(server.store.createWorkflow(body, new WriteOptions("k", "b")))
                    .body()
                    .getString("id");
            assertNotEquals(a, b);
            assertEquals(
                    a,
                    await(server.store.createWorkflow(body, new WriteOptions("k", "a")))
                            .body()
                            .getString("id"));
            failsWith(
                    Failures.UNPROCESSABLE,
                    server.store.createWorkflow(
                            new JsonObject().put("workflow_name", "other"), new WriteOptions("k", "a")));
            failsWith(Failures.BAD_REQUEST, server.store.createWorkflow(body, WriteOptions.key("x".repeat(256))));
            failsWith(
                    Failures.BAD_REQUEST,
                    server.vertx
                            .eventBus()
                            .request(
                                    Addresses.STORE,
                                    new JsonObject(),
                                    new DeliveryOptions()
                                            .addHeader(Actions.HEADER, Actions.BACKUP)
                                            .addHeader(Actions.IDEMPOTENCY_KEY, "k")));
            assertEquals(2, workflows(server));
        }
    }

    @Test
    @DisplayName("expected_version and expected_row_version: 412 on another version; patch and set-active over the bus")
    void expectedVersions() {
        try (TestServer server = TestServer.start(dir)) {
            String id = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "v")))
                    .getString("id");
            failsWith(
                    Failures.PRECONDITION_FAILED,
                    server.store.updateWorkflow(
                            id, new JsonObject().put("status", "running").put("expected_version", 2)));
            JsonObject running = await(server.store.updateWorkflow(
                    id, new JsonObject().put("status", "running").put("expected_version", 1)));
            assertEquals(2, running.getLong("version"));
            JsonObject patched = await(server.store.patchWorkflow(
                            id,
                            new JsonObject().putNull("current_step").put("data", new JsonObject().put("a", 1)),
                            2L,
                            WriteOptions.NONE))
                    .body();
            assertEquals(3, patched.getLong("version"));
            assertEquals(new JsonObject().put("a", 1), patched.getJsonObject("data"));
            failsWith(
                    Failures.PRECONDITION_FAILED,
                    server.store.patchWorkflow(id, new JsonObject().put("status", "completed"), 2L, WriteOptions.NONE));
            failsWith(Failures.CONFLICT, server.store.updateWorkflow(id, new JsonObject().put("status", "pending")));

            await(server.store.saveAgentVersion(
                    new JsonObject().put("agent_name", "a").put("version", "1").put("code", "c")));
            failsWith(
                    Failures.PRECONDITION_FAILED,
                    server.store.setAgentVersionActive(
                            "a", "1", new JsonObject().put("is_active", false).put("expected_row_version", 2)));
            JsonObject off = await(server.store.setAgentVersionActive(
                    "a", "1", new JsonObject().put("is_active", false).put("expected_row_version", 1)));
            assertEquals(2, off.getLong("row_version"));
            assertFalse(off.getBoolean("is_active"));
        }
    }

    @Test
    @DisplayName("expired keys are purged in batches of retention.batch_rows from the table's start; live keys stay")
    void purge() throws Exception {
        Vertx vertx = Vertx.vertx();
        DatabaseConfig config = new DatabaseConfig(
                "workflow", dir.resolve("purge.db"), 2, 0, 5, 3600, 60, 0, "FULL", 64, 100, 100, 60_000);
        try (Database db = Database.open(config)) {
            StringBuilder insert = new StringBuilder(
                    "INSERT INTO idempotency_keys (caller, key, fingerprint, response, created_ms) VALUES ");
            long now = System.currentTimeMillis();
            long old = now - Duration.ofDays(2).toMillis();
            for (int i = 0; i < 400; i++) {
                // 250 expired, 150 live; then one expired written after the live ones (a clock that went back)
                insert.append(i == 0 ? "" : ",")
                        .append("('bus', 'k")
                        .append(i)
                        .append("', 'f', '{}', ")
                        .append(i < 250 ? old : now)
                        .append(")");
            }
            insert.append(",('bus', 'late', 'f', '{}', ").append(old).append(")");
            SqliteFiles.execute(config.path(), insert.toString());
            TablePurge purge = IdempotencyKeys.purge(vertx, db, Duration.ofDays(1), 100, 60_000);
            long deleted = await(purge.purge(now - Duration.ofDays(1).toMillis()));
            assertEquals(250, deleted, "from the start of the table up to the first live key");
            assertEquals(151, SqliteFiles.count(config.path(), "idempotency_keys"), "the live keys, and the late one");
            assertEquals(
                    0, SqliteFiles.number(config.path(), "SELECT count(*) FROM idempotency_keys WHERE key = 'k0'"));
            purge.close();
        } finally {
            await(vertx.close());
        }
    }

    @Test
    @DisplayName("the Python manager's calls: created_at given, a workflow id given, empty batches, its history texts")
    void pythonManagerCalls() {
        try (TestServer server = TestServer.start(dir)) {
            // insert_article(article) with the scraper's created_at; get_articles orders by it
            JsonObject old = await(server.store.createArticle(new JsonObject()
                    .put("id", "p-1")
                    .put("url", "https://x.test/1")
                    .put("title", "t")
                    .put("content", "c")
                    .put("created_at", "2025-11-28T03:50:52.611432")));
            assertEquals(
                    "2025-11-28T03:50:52.611432", old.getJsonObject("article").getString("created_at"));
            await(server.store.createArticle(new JsonObject()
                    .put("id", "p-2")
                    .put("url", "https://x.test/2")
                    .put("created_at", "2025-11-29 10:00:00")));
            JsonArray articles =
                    await(server.store.listArticles(new JsonObject())).getJsonArray("articles");
            assertEquals("p-2", articles.getJsonObject(0).getString("id"));
            assertEquals(
                    "2025-11-28T03:50:52.611432",
                    await(server.store.getArticle("p-1")).getString("created_at"));
            for (String bad : List.of("yesterday", "2025-13-01T00:00:00", "2025-02-30 00:00:00", "2025-11-28")) {
                failsWith(
                        Failures.BAD_REQUEST,
                        server.store.createArticle(
                                new JsonObject().put("url", "https://x.test/b").put("created_at", bad)));
            }
            // alerts likewise
            JsonObject alert = await(server.store.createAlert(
                    new JsonObject().put("title", "Keyword Detected").put("created_at", "2025-11-28T03:50:52Z")));
            assertEquals("2025-11-28T03:50:52Z", alert.getString("created_at"));
            assertEquals(
                    "2025-11-28T03:50:52Z",
                    await(server.store.getAlert(alert.getLong("id"))).getString("created_at"));
            // create_workflow(name, workflow_id=...)
            JsonObject wf = await(server.store.createWorkflow(
                    new JsonObject().put("id", "wf-python-1").put("workflow_name", "scrape")));
            assertEquals("wf-python-1", wf.getString("id"));
            failsWith(
                    Failures.CONFLICT,
                    server.store.createWorkflow(
                            new JsonObject().put("id", "wf-python-1").put("workflow_name", "x")));
            // an empty scrape
            JsonObject none = await(server.store.createArticles(new JsonObject().put("articles", new JsonArray())));
            assertEquals(new JsonObject().put("inserted", new JsonArray()).put("ignored", new JsonArray()), none);
            assertEquals(none, await(server.store.createAlerts(new JsonObject().put("alerts", new JsonArray()))));
            // update_workflow_state's history texts
            await(server.store.updateWorkflow("wf-python-1", new JsonObject().put("status", "running")));
            await(server.store.updateWorkflow("wf-python-1", new JsonObject().put("current_step", "fetch")));
            await(server.store.updateWorkflow(
                    "wf-python-1", new JsonObject().put("status", "failed").put("error_message", "timeout")));
            JsonArray history =
                    await(server.store.workflowHistory("wf-python-1")).getJsonArray("history");
            List<String> messages = new ArrayList<>();
            history.forEach(h -> messages.add(((JsonObject) h).getString("message")));
            assertEquals(List.of("Workflow created", "Updated to running", "State updated", "timeout"), messages);
            assertEquals("running", history.getJsonObject(2).getString("status"), "the status it is in, not 'unknown'");
            assertNull(history.getJsonObject(0).getString("step"));
        }
    }
}
