package dev.agentstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentstore.support.Http;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("http.require_if_match: an update without If-Match is 428")
@RealServer(config = "http: {require_if_match: true}")
class RequireIfMatchTest {
    static TestServer server;

    static HttpResponse<Buffer> send(HttpMethod method, String uri, JsonObject body, String type, String ifMatch) {
        var req = server.http.request(method, uri).putHeader("Content-Type", type);
        if (ifMatch != null) {
            req.putHeader("If-Match", ifMatch);
        }
        return TestServer.await(req.sendBuffer(Buffer.buffer(body.encode())));
    }

    @Test
    @DisplayName("PUT and PATCH of a workflow and of an agent version need If-Match; creates do not")
    void updatesNeedIfMatch() {
        String id = Http.json(
                        201, server.send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", "r")))
                .getString("id");
        String uri = "/api/workflows/" + id;
        JsonObject change = new JsonObject().put("current_step", "s");
        String detail = Http.problem(428, send(HttpMethod.PUT, uri, change, "application/json", null));
        assertEquals(true, detail.contains("If-Match"), detail);
        Http.problem(428, send(HttpMethod.PATCH, uri, change, WorkflowRoutes.MERGE_PATCH, null));
        assertEquals(1, Http.json(200, server.get(uri)).getLong("version"), "nothing changed");
        Http.json(200, send(HttpMethod.PUT, uri, change, "application/json", "\"1\""));
        Http.json(200, send(HttpMethod.PATCH, uri, change, WorkflowRoutes.MERGE_PATCH, "\"2\""));

        Http.json(
                201,
                server.send(
                        HttpMethod.POST,
                        "/api/agents/r/versions",
                        new JsonObject().put("version", "1").put("code", "c")));
        String version = "/api/agents/r/versions/1";
        JsonObject off = new JsonObject().put("is_active", false);
        Http.problem(428, send(HttpMethod.PUT, version, off, "application/json", null));
        Http.json(200, send(HttpMethod.PUT, version, off, "application/json", "\"1\""));
    }
}
