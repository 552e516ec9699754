package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The workflow endpoints (/api/workflows), with the Python implementation's reply fields")
class WorkflowRoutesTest {
  @TempDir static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("create, update, get, history and list by status, each with its status code and fields")
  void lifecycle() {
    var r = server.send(HttpMethod.POST, "/api/workflows",
        new JsonObject().put("workflow_name", "http").put("initial_data", new JsonObject().put("k", 1)));
    JsonObject created = json(201, r);
    String id = created.getString("id");
    assertEquals("created", created.getString("status"));
    assertEquals("/api/workflows/" + id, r.getHeader("Location"));
    JsonObject updated = json(200, server.send(HttpMethod.PUT, "/api/workflows/" + id,
        new JsonObject().put("status", "failed").put("error_message", "boom")));
    assertEquals("updated", updated.getString("status"));
    assertEquals("boom", json(200, server.get("/api/workflows/" + id)).getString("error_message"));
    JsonObject history = json(200, server.get("/api/workflows/" + id + "/history"));
    assertEquals(2, history.getJsonArray("history").size());
    assertEquals("boom", history.getJsonArray("history").getJsonObject(1).getString("message"));
    JsonObject failed = json(200, server.get("/api/workflows?status=failed&limit=10"));
    assertEquals(id, failed.getJsonArray("workflows").getJsonObject(0).getString("id"));
    assertEquals(0, json(200, server.get("/api/workflows?status=running")).getInteger("count"));
  }

  @Test
  @DisplayName("refusals: 404 for an unknown id, 409 for a final workflow, 400 for an id in the body or a bad query")
  void refusals() {
    problem(404, server.get("/api/workflows/nope"));
    problem(404, server.get("/api/workflows/nope/history"));
    String id = json(201, server.send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", "done")))
        .getString("id");
    json(200, server.send(HttpMethod.PUT, "/api/workflows/" + id, new JsonObject().put("status", "completed")));
    problem(409, server.send(HttpMethod.PUT, "/api/workflows/" + id, new JsonObject().put("status", "running")));
    assertTrue(problem(400, server.send(HttpMethod.PUT, "/api/workflows/" + id,
        new JsonObject().put("id", "x").put("status", "running"))).contains("'id'"));
    problem(400, server.get("/api/workflows?status=paused"));
    problem(400, server.get("/api/workflows?page=2"));
  }
}
