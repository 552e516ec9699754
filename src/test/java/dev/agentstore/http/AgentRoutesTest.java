package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The agent-version endpoints (/api/agents)")
@RealServer
class AgentRoutesTest {
    static TestServer server;

    static HttpResponse<Buffer> save(String path, String version, String code) {
        return server.send(
                HttpMethod.POST,
                path + "/versions",
                new JsonObject().put("version", version).put("code", code).put("description", "v" + version));
    }

    @Test
    @DisplayName("POST .../versions saves a version: 201, its Location, and GET there returns it with its code")
    void savesAndGets() {
        var r = save("/api/agents/my%20agent", "1.0", "print(1)");
        JsonObject created = json(201, r);
        assertEquals("created", created.getString("status"));
        assertEquals("my agent", created.getString("agent_name"));
        assertTrue(created.getJsonObject("agent_version").getBoolean("is_active"));
        assertEquals("/api/agents/my%20agent/versions/1.0", r.getHeader("Location"));
        JsonObject got = json(200, server.get(r.getHeader("Location")));
        assertEquals("print(1)", got.getString("code"));
        assertEquals("my agent", got.getString("agent_name"));
    }

    @Test
    @DisplayName("the same version again answers 409; agent_name in the body answers 400")
    void refusals() {
        json(201, save("/api/agents/twice", "1", "a"));
        problem(409, save("/api/agents/twice", "1", "b"));
        assertTrue(problem(
                        400,
                        server.send(
                                HttpMethod.POST,
                                "/api/agents/twice/versions",
                                new JsonObject()
                                        .put("agent_name", "other")
                                        .put("version", "2")
                                        .put("code", "c")))
                .contains("agent_name"));
        problem(404, server.get("/api/agents/twice/versions/2"));
    }

    @Test
    @DisplayName("GET /api/agents/{name} is the latest active version; PUT or PATCH is_active false rolls it back")
    void latestAndRollback() {
        json(201, save("/api/agents/runner", "1", "one"));
        json(201, save("/api/agents/runner", "2", "two"));
        assertEquals("two", json(200, server.get("/api/agents/runner")).getString("code"));
        JsonObject off = json(
                200,
                server.send(HttpMethod.PUT, "/api/agents/runner/versions/2", new JsonObject().put("is_active", false)));
        assertFalse(off.getBoolean("is_active"));
        assertEquals("one", json(200, server.get("/api/agents/runner")).getString("code"));
        json(
                200,
                server.send(
                        HttpMethod.PATCH, "/api/agents/runner/versions/2", new JsonObject().put("is_active", true)));
        assertEquals("two", json(200, server.get("/api/agents/runner")).getString("code"));
        problem(
                400,
                server.send(HttpMethod.PUT, "/api/agents/runner/versions/2", new JsonObject().put("is_active", "no")));
        problem(
                400,
                server.send(
                        HttpMethod.PUT,
                        "/api/agents/runner/versions/2",
                        new JsonObject().put("is_active", true).put("version", "3")));
        problem(
                404,
                server.send(HttpMethod.PUT, "/api/agents/runner/versions/7", new JsonObject().put("is_active", true)));
        problem(404, server.get("/api/agents/nobody"));
    }

    @Test
    @DisplayName("GET .../versions lists newest first without code, with it when include_code=true")
    void listsVersions() {
        json(201, save("/api/agents/lister", "a", "code-a"));
        json(201, save("/api/agents/lister", "b", "code-b"));
        JsonObject plain = json(200, server.get("/api/agents/lister/versions"));
        assertEquals(2, plain.getInteger("count"));
        assertEquals("b", plain.getJsonArray("versions").getJsonObject(0).getString("version"));
        assertFalse(plain.getJsonArray("versions").getJsonObject(0).containsKey("code"));
        JsonObject withCode = json(200, server.get("/api/agents/lister/versions?include_code=true&limit=1&offset=1"));
        assertEquals(
                "code-a", withCode.getJsonArray("versions").getJsonObject(0).getString("code"));
        problem(404, server.get("/api/agents/nobody/versions"));
    }

    @Test
    @DisplayName("an unknown body field is a 400 that lists only what the body may hold, never the fields the"
            + " path gives and the body may not repeat")
    void unknownFieldListsOnlyWhatTheBodyMayHold() {
        json(201, save("/api/agents/fields", "1", "x"));
        for (HttpMethod method : new HttpMethod[] {HttpMethod.PUT, HttpMethod.PATCH}) {
            assertEquals(
                    "unknown field 'colour'; allowed: is_active",
                    problem(
                            400,
                            server.send(
                                    method,
                                    "/api/agents/fields/versions/1",
                                    new JsonObject().put("is_active", false).put("colour", "red"))));
        }
        assertEquals(
                "unknown field 'colour'; allowed: code, created_by, description, version",
                problem(
                        400,
                        server.send(
                                HttpMethod.POST,
                                "/api/agents/fields/versions",
                                new JsonObject()
                                        .put("version", "2")
                                        .put("code", "c")
                                        .put("colour", "red"))));
        JsonObject versions = json(200, server.get("/api/agents/fields/versions"));
        assertEquals(1, versions.getInteger("count"));
        assertTrue(versions.getJsonArray("versions").getJsonObject(0).getBoolean("is_active"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"?include_code=yes", "?include_code=true&include_code=false", "?code=1", "?limit=0"})
    @DisplayName("GET .../versions refuses a bad include_code, an unknown parameter or a bad page with 400")
    void badVersionQueries(String query) {
        problem(400, server.get("/api/agents/queried/versions" + query));
    }

    @Test
    @DisplayName("GET /api/agents lists agents with their version count and latest version")
    void listsAgents() {
        json(201, save("/api/agents/counted", "1", "x"));
        json(201, save("/api/agents/counted", "2", "y"));
        JsonObject agents = json(200, server.get("/api/agents?limit=1000"));
        JsonObject counted = agents.getJsonArray("agents").stream()
                .map(o -> (JsonObject) o)
                .filter(a -> a.getString("agent_name").equals("counted"))
                .findFirst()
                .orElseThrow();
        assertEquals(2, counted.getInteger("version_count"));
        assertEquals("2", counted.getString("latest_version"));
        problem(400, server.get("/api/agents?offset=-1"));
    }
}
