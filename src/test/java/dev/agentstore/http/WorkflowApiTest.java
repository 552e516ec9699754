package dev.agentstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The workflow HTTP API")
@RealServer(config = "http: {max_body_bytes: " + 64 * 1024 + "}")
class WorkflowApiTest {
    static TestServer server;
    static String existing;
    static String completed;

    @BeforeAll
    static void fixtures() {
        existing = create("fixture").getString("id");
        completed = create("fixture-done").getString("id");
        put(completed, new JsonObject().put("status", "completed"));
    }

    static JsonObject create(String name) {
        HttpResponse<Buffer> r =
                server.send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", name));
        assertEquals(201, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject();
    }

    static HttpResponse<Buffer> put(String id, JsonObject body) {
        return server.send(HttpMethod.PUT, "/api/workflows/" + id, body);
    }

    @Nested
    @DisplayName("endpoints")
    class Endpoints {
        @Test
        @DisplayName("POST /api/workflows answers 201 with Location and the Python fields id and status=created")
        void createAnswers201() {
            HttpResponse<Buffer> r = server.send(
                    HttpMethod.POST,
                    "/api/workflows",
                    new JsonObject()
                            .put("workflow_name", "crawl")
                            .put("initial_data", new JsonObject().put("depth", 2)));
            assertEquals(201, r.statusCode());
            JsonObject body = r.bodyAsJsonObject();
            assertEquals("created", body.getString("status"));
            assertEquals("crawl", body.getString("workflow_name"));
            assertEquals("/api/workflows/" + body.getString("id"), r.getHeader("Location"));
            assertEquals("pending", body.getJsonObject("workflow").getString("status"));
            assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
        }

        @Test
        @DisplayName("GET /api/workflows/{id} answers the workflow with data as a JSON object")
        void getAnswersWorkflow() {
            String id = server.send(
                            HttpMethod.POST,
                            "/api/workflows",
                            new JsonObject()
                                    .put("workflow_name", "g")
                                    .put("initial_data", new JsonObject().put("k", "v")))
                    .bodyAsJsonObject()
                    .getString("id");
            HttpResponse<Buffer> r = server.get("/api/workflows/" + id);
            assertEquals(200, r.statusCode());
            JsonObject wf = r.bodyAsJsonObject();
            assertEquals(id, wf.getString("id"));
            assertEquals("v", wf.getJsonObject("data").getString("k"));
            for (String f : new String[] {
                "workflow_name", "status", "current_step", "error_message", "created_at", "updated_at", "completed_at"
            }) {
                assertTrue(wf.containsKey(f), f);
            }
        }

        @Test
        @DisplayName("PUT /api/workflows/{id} answers status=updated and the changed workflow; history grows by one")
        void updateAnswersUpdated() {
            String id = create("u").getString("id");
            HttpResponse<Buffer> r =
                    put(id, new JsonObject().put("status", "running").put("current_step", "one"));
            assertEquals(200, r.statusCode(), r.bodyAsString());
            assertEquals("updated", r.bodyAsJsonObject().getString("status"));
            assertEquals(
                    "running", r.bodyAsJsonObject().getJsonObject("workflow").getString("status"));
            JsonObject h = server.get("/api/workflows/" + id + "/history").bodyAsJsonObject();
            assertEquals(id, h.getString("workflow_id"));
            assertEquals(2, h.getJsonArray("history").size());
        }

        @Test
        @DisplayName("GET /api/workflows lists newest first with status filter, limit and offset")
        void listFiltersAndPages() {
            String a = create("l1").getString("id");
            String b = create("l2").getString("id");
            put(a, new JsonObject().put("status", "running"));
            JsonObject page = server.get("/api/workflows?limit=2").bodyAsJsonObject();
            assertEquals(2, page.getInteger("count"));
            assertEquals(b, page.getJsonArray("workflows").getJsonObject(0).getString("id"));
            JsonObject second = server.get("/api/workflows?limit=1&offset=1").bodyAsJsonObject();
            assertEquals(a, second.getJsonArray("workflows").getJsonObject(0).getString("id"));
            JsonArray running = server.get("/api/workflows?status=running&limit=1000")
                    .bodyAsJsonObject()
                    .getJsonArray("workflows");
            assertTrue(running.stream()
                    .anyMatch(o -> ((JsonObject) o).getString("id").equals(a)));
            assertTrue(running.stream()
                    .allMatch(o -> ((JsonObject) o).getString("status").equals("running")));
            assertEquals(100, server.get("/api/workflows").bodyAsJsonObject().getInteger("limit"));
        }

        @Test
        @DisplayName("a change to a final workflow answers 409 problem+json and changes nothing")
        void finalWorkflowConflicts() {
            JsonObject before = server.get("/api/workflows/" + completed).bodyAsJsonObject();
            HttpResponse<Buffer> r = put(completed, new JsonObject().put("status", "running"));
            assertProblem(r, 409);
            assertEquals(before, server.get("/api/workflows/" + completed).bodyAsJsonObject());
        }

        @Test
        @DisplayName("GET /api/health/db answers 200 healthy with each database and its pool statistics")
        void healthDb() {
            HttpResponse<Buffer> r = server.get("/api/health/db");
            assertEquals(200, r.statusCode());
            JsonObject h = r.bodyAsJsonObject();
            assertEquals("healthy", h.getString("status"));
            JsonObject wf = h.getJsonObject("databases").getJsonObject("workflow");
            assertEquals("healthy", wf.getString("status"));
            assertNotNull(wf.getJsonObject("pool_stats").getLong("connections_created"));
        }

        @Test
        @DisplayName("liveness and readiness answer 200 UP in vertx-health-check's format")
        void liveAndReady() {
            HttpResponse<Buffer> live = server.get("/api/health/live");
            assertEquals(200, live.statusCode());
            assertEquals("UP", live.bodyAsJsonObject().getString("status"));
            HttpResponse<Buffer> ready = server.get("/api/health/ready");
            assertEquals(200, ready.statusCode(), ready.bodyAsString());
            assertEquals("UP", ready.bodyAsJsonObject().getString("status"));
        }
    }

    @Test
    @DisplayName("an unknown field is a 400 that lists what the body may hold: for PUT not id, which the path gives")
    void unknownFieldListsWhatTheBodyMayHold() {
        JsonObject before = server.get("/api/workflows/" + existing).bodyAsJsonObject();
        HttpResponse<Buffer> put =
                put(existing, new JsonObject().put("status", "running").put("priority", 1));
        assertProblem(put, 400);
        assertEquals(
                "unknown field 'priority'; allowed: current_step, data, error_message, status",
                put.bodyAsJsonObject().getString("detail"));
        assertEquals(before, server.get("/api/workflows/" + existing).bodyAsJsonObject());
        HttpResponse<Buffer> post = server.send(
                HttpMethod.POST,
                "/api/workflows",
                new JsonObject().put("workflow_name", "w").put("priority", 1));
        assertProblem(post, 400);
        assertEquals(
                "unknown field 'priority'; allowed: id, initial_data, workflow_name",
                post.bodyAsJsonObject().getString("detail"));
    }

    static Stream<Arguments> badRequests() {
        String big = "{\"workflow_name\":\"" + "x".repeat(70 * 1024) + "\"}";
        return Stream.of(
                Arguments.of("malformed JSON", HttpMethod.POST, "/api/workflows", "{\"workflow_name\": ", 400),
                Arguments.of("empty body", HttpMethod.POST, "/api/workflows", null, 400),
                Arguments.of("a JSON array body", HttpMethod.POST, "/api/workflows", "[1,2]", 400),
                Arguments.of("a JSON string body", HttpMethod.POST, "/api/workflows", "\"name\"", 400),
                Arguments.of("missing workflow_name", HttpMethod.POST, "/api/workflows", "{}", 400),
                Arguments.of("null workflow_name", HttpMethod.POST, "/api/workflows", "{\"workflow_name\":null}", 400),
                Arguments.of("numeric workflow_name", HttpMethod.POST, "/api/workflows", "{\"workflow_name\":42}", 400),
                Arguments.of(
                        "blank workflow_name", HttpMethod.POST, "/api/workflows", "{\"workflow_name\":\"  \"}", 400),
                Arguments.of(
                        "workflow_name over 1000 chars",
                        HttpMethod.POST,
                        "/api/workflows",
                        "{\"workflow_name\":\"" + "n".repeat(1001) + "\"}",
                        400),
                Arguments.of(
                        "initial_data not an object",
                        HttpMethod.POST,
                        "/api/workflows",
                        "{\"workflow_name\":\"a\",\"initial_data\":[1]}",
                        400),
                Arguments.of(
                        "unknown field",
                        HttpMethod.POST,
                        "/api/workflows",
                        "{\"workflow_name\":\"a\",\"priority\":1}",
                        400),
                Arguments.of("body over http.max_body_bytes", HttpMethod.POST, "/api/workflows", big, 413),
                Arguments.of(
                        "unknown status", HttpMethod.PUT, "/api/workflows/EXISTING", "{\"status\":\"paused\"}", 400),
                Arguments.of(
                        "status of the wrong type",
                        HttpMethod.PUT,
                        "/api/workflows/EXISTING",
                        "{\"status\":true}",
                        400),
                Arguments.of("empty update", HttpMethod.PUT, "/api/workflows/EXISTING", "{}", 400),
                Arguments.of("data not an object", HttpMethod.PUT, "/api/workflows/EXISTING", "{\"data\":\"x\"}", 400),
                Arguments.of(
                        "current_step a number",
                        HttpMethod.PUT,
                        "/api/workflows/EXISTING",
                        "{\"current_step\":3}",
                        400),
                Arguments.of(
                        "id in the update body",
                        HttpMethod.PUT,
                        "/api/workflows/EXISTING",
                        "{\"id\":\"other\",\"status\":\"running\"}",
                        400),
                Arguments.of(
                        "malformed JSON in update", HttpMethod.PUT, "/api/workflows/EXISTING", "{status:running}", 400),
                Arguments.of(
                        "update of an unknown id",
                        HttpMethod.PUT,
                        "/api/workflows/nope",
                        "{\"status\":\"running\"}",
                        404),
                Arguments.of("get of an unknown id", HttpMethod.GET, "/api/workflows/nope", null, 404),
                Arguments.of("history of an unknown id", HttpMethod.GET, "/api/workflows/nope/history", null, 404),
                Arguments.of("limit not a number", HttpMethod.GET, "/api/workflows?limit=ten", null, 400),
                Arguments.of("limit zero", HttpMethod.GET, "/api/workflows?limit=0", null, 400),
                Arguments.of("limit over 1000", HttpMethod.GET, "/api/workflows?limit=1001", null, 400),
                Arguments.of("negative offset", HttpMethod.GET, "/api/workflows?offset=-5", null, 400),
                Arguments.of("offset not a number", HttpMethod.GET, "/api/workflows?offset=1.5", null, 400),
                Arguments.of("unknown status filter", HttpMethod.GET, "/api/workflows?status=done", null, 400),
                Arguments.of("repeated limit", HttpMethod.GET, "/api/workflows?limit=1&limit=2", null, 400),
                Arguments.of("unknown query parameter", HttpMethod.GET, "/api/workflows?sort=asc", null, 400),
                Arguments.of("unknown endpoint", HttpMethod.GET, "/api/nothing", null, 404),
                Arguments.of("method not allowed", HttpMethod.DELETE, "/api/workflows/EXISTING", null, 405));
    }

    @ParameterizedTest(name = "{0} -> {4}")
    @MethodSource("badRequests")
    @DisplayName("bad input gets a 4xx problem+json that says what is wrong, and changes nothing")
    void badInputIsRefused(String what, HttpMethod method, String uri, String body, int status) {
        JsonObject before = server.get("/api/workflows/" + existing).bodyAsJsonObject();
        int historyBefore = server.get("/api/workflows/" + existing + "/history")
                .bodyAsJsonObject()
                .getJsonArray("history")
                .size();
        int countBefore =
                server.get("/api/workflows?limit=1000").bodyAsJsonObject().getInteger("count");
        HttpResponse<Buffer> r = server.send(method, uri.replace("EXISTING", existing), body);
        assertProblem(r, status);
        assertEquals(before, server.get("/api/workflows/" + existing).bodyAsJsonObject());
        assertEquals(
                historyBefore,
                server.get("/api/workflows/" + existing + "/history")
                        .bodyAsJsonObject()
                        .getJsonArray("history")
                        .size());
        assertEquals(
                countBefore,
                server.get("/api/workflows?limit=1000").bodyAsJsonObject().getInteger("count"));
    }

    static void assertProblem(HttpResponse<Buffer> r, int status) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        assertEquals("application/problem+json", r.getHeader("Content-Type"));
        JsonObject p = r.bodyAsJsonObject();
        assertEquals(status, p.getInteger("status"));
        assertNotNull(p.getString("title"));
        String detail = p.getString("detail");
        assertNotNull(detail);
        assertFalse(detail.isBlank());
        assertFalse(r.bodyAsString().contains("Exception"), "no exception names or stack traces: " + detail);
        assertFalse(r.bodyAsString().contains("\tat "), detail);
    }
}
