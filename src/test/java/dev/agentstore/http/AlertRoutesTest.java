package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The alert endpoints (/api/alerts)")
@RealServer
class AlertRoutesTest {
    static TestServer server;

    @Test
    @DisplayName("POST creates an alert: 201, its Location, and GET there returns it")
    void createsAndGets() {
        var r = server.send(
                HttpMethod.POST,
                "/api/alerts",
                new JsonObject()
                        .put("title", "AI")
                        .put("message", "AI mentioned")
                        .put("source_url", "https://web.example/ai"));
        JsonObject created = json(201, r);
        assertEquals("created", created.getString("status"));
        long id = created.getLong("id");
        assertEquals("/api/alerts/" + id, r.getHeader("Location"));
        assertEquals(created.getJsonObject("alert"), json(200, server.get(r.getHeader("Location"))));
    }

    @Test
    @DisplayName("POST {alerts: [...]} creates a batch: 201 with the new ids in order")
    void createsBatch() {
        JsonObject reply = json(
                201,
                server.send(
                        HttpMethod.POST,
                        "/api/alerts",
                        new JsonObject()
                                .put(
                                        "alerts",
                                        new JsonArray()
                                                .add(new JsonObject().put("title", "one"))
                                                .add(new JsonObject().put("title", "two")))));
        JsonArray ids = reply.getJsonArray("inserted");
        assertEquals(2, ids.size());
        assertEquals(
                "two", json(200, server.get("/api/alerts/" + ids.getLong(1))).getString("title"));
        JsonObject newest = json(200, server.get("/api/alerts?limit=2"));
        assertEquals(
                ids.getLong(1), newest.getJsonArray("alerts").getJsonObject(0).getLong("id"));
        assertEquals(
                ids.getLong(0), newest.getJsonArray("alerts").getJsonObject(1).getLong("id"));
    }

    @Test
    @DisplayName("a batch with one invalid item answers 400 naming it")
    void invalidItemIsNamed() {
        String detail = problem(
                400,
                server.send(
                        HttpMethod.POST,
                        "/api/alerts",
                        new JsonObject()
                                .put(
                                        "alerts",
                                        new JsonArray()
                                                .add(new JsonObject().put("title", "ok"))
                                                .add(new JsonObject().put("message", "no title")))));
        assertEquals("alerts[1]: 'title' is required", detail);
    }

    @Test
    @DisplayName("GET of an unknown id answers 404, of an id that is not a number 400")
    void badIds() {
        problem(404, server.get("/api/alerts/987654"));
        assertTrue(problem(400, server.get("/api/alerts/abc")).contains("abc"));
    }

    @Test
    @DisplayName("GET /api/alerts refuses an unknown parameter and a bad page with 400")
    void badQueries() {
        problem(400, server.get("/api/alerts?url=x"));
        problem(400, server.get("/api/alerts?limit=5000"));
    }
}
