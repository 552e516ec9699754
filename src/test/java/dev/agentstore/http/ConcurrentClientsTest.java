package dev.agentstore.http;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("50 HTTP clients at once, each doing a mix of reads and writes")
@RealServer
class ConcurrentClientsTest {
    static final int CLIENTS = 50;

    static TestServer server;

    /** The response, or a failed future that says which step answered what. */
    static Future<JsonObject> expect(int status, String step, Future<HttpResponse<Buffer>> response) {
        return response.compose(r -> r.statusCode() == status
                ? Future.succeededFuture(r.body() == null ? new JsonObject() : r.bodyAsJsonObject())
                : Future.failedFuture(step + " answered " + r.statusCode() + ": " + r.bodyAsString()));
    }

    /** One client: its own article, alert, workflow and agent, written, changed and read back. */
    static Future<JsonObject> client(int i) {
        var http = server.http;
        return expect(
                        201,
                        "create article",
                        http.post("/api/articles")
                                .sendJsonObject(new JsonObject()
                                        .put("id", "client-" + i)
                                        .put("url", "https://clients.example/" + i)
                                        .put("content", "page " + i)))
                .compose(a -> expect(
                        201,
                        "create alert",
                        http.post("/api/alerts")
                                .sendJsonObject(new JsonObject()
                                        .put("title", "client-" + i)
                                        .put("source_url", "https://clients.example/" + i))))
                .compose(a -> expect(
                        201,
                        "create workflow",
                        http.post("/api/workflows")
                                .sendJsonObject(new JsonObject().put("workflow_name", "client-" + i))))
                .compose(wf -> {
                    String id = wf.getString("id");
                    return expect(
                                    200,
                                    "run workflow",
                                    http.put("/api/workflows/" + id)
                                            .sendJsonObject(new JsonObject()
                                                    .put("status", "running")
                                                    .put("current_step", "save agent")))
                            .compose(r -> expect(
                                    201,
                                    "save agent",
                                    http.post("/api/agents/client-" + i + "/versions")
                                            .sendJsonObject(new JsonObject()
                                                    .put("version", "1")
                                                    .put("code", "print(" + i + ")"))))
                            .compose(r -> expect(
                                    200,
                                    "get article",
                                    http.get("/api/articles/client-" + i).send()))
                            .compose(r -> expect(
                                    200,
                                    "list articles",
                                    http.get("/api/articles?limit=10").send()))
                            .compose(r -> expect(
                                    200,
                                    "get latest agent",
                                    http.get("/api/agents/client-" + i).send()))
                            .compose(r -> expect(
                                    200,
                                    "complete workflow",
                                    http.put("/api/workflows/" + id)
                                            .sendJsonObject(new JsonObject().put("status", "completed"))))
                            .compose(r -> expect(
                                    200,
                                    "get workflow",
                                    http.get("/api/workflows/" + id).send()));
                });
    }

    @Test
    @DisplayName("no request fails, and every client's rows are all there")
    void mixedOperations() {
        List<Future<JsonObject>> clients = IntStream.range(0, CLIENTS)
                .mapToObj(ConcurrentClientsTest::client)
                .toList();
        await(Future.all(clients));
        clients.forEach(c -> assertEquals("completed", c.result().getString("status")));
        Path db = server.workflowDb();
        assertEquals(CLIENTS, SqliteFiles.number(db, "SELECT count(*) FROM articles WHERE id LIKE 'client-%'"));
        assertEquals(CLIENTS, SqliteFiles.number(db, "SELECT count(*) FROM alerts WHERE title LIKE 'client-%'"));
        assertEquals(
                CLIENTS, SqliteFiles.number(db, "SELECT count(*) FROM workflow_states WHERE status = 'completed'"));
        assertEquals(3L * CLIENTS, SqliteFiles.number(db, "SELECT count(*) FROM workflow_history"));
        assertEquals(CLIENTS, SqliteFiles.number(db, "SELECT count(DISTINCT agent_name) FROM agent_versions"));
    }
}
