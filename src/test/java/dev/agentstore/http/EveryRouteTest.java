package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.BackupsDone;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Every route refuses a query parameter it does not take and a body that is not JSON, before anything"
        + " reaches the store; answers HEAD beside GET, 405 with Allow, and no answer is sniffed or cached")
@RealServer
class EveryRouteTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        fixtures();
    }

    static final String NONE = "this endpoint takes no query parameters";

    /** One request per route (two for the routes that take a batch), each one that succeeds as it is. */
    record Call(HttpMethod method, String route, String uri, String body, String allowed) {
        @Override
        public String toString() {
            return method + " " + uri;
        }
    }

    static Stream<Call> calls() {
        return Stream.of(
                new Call(HttpMethod.POST, "/api/workflows", "/api/workflows", "{\"workflow_name\":\"q\"}", NONE),
                new Call(
                        HttpMethod.GET,
                        "/api/workflows",
                        "/api/workflows",
                        null,
                        "allowed: limit, offset, page_token, status"),
                new Call(
                        HttpMethod.GET,
                        "/api/workflows",
                        "/api/workflows?status=pending&limit=5",
                        null,
                        "allowed: limit, offset, page_token, status"),
                new Call(HttpMethod.GET, "/api/workflows/:id", "/api/workflows/WORKFLOW", null, NONE),
                new Call(
                        HttpMethod.PUT,
                        "/api/workflows/:id",
                        "/api/workflows/WORKFLOW",
                        "{\"current_step\":\"q\"}",
                        NONE),
                new Call(
                        HttpMethod.PATCH,
                        "/api/workflows/:id",
                        "/api/workflows/WORKFLOW",
                        "{\"current_step\":\"p\"}",
                        NONE),
                new Call(
                        HttpMethod.GET,
                        "/api/workflows/:id/history",
                        "/api/workflows/WORKFLOW/history?limit=5",
                        null,
                        "allowed: limit, offset, page_token"),
                new Call(
                        HttpMethod.GET,
                        "/api/workflows/:id/watch",
                        "/api/workflows/WORKFLOW/watch?follow=false",
                        null,
                        "allowed: follow"),
                new Call(
                        HttpMethod.GET,
                        "/api/changes",
                        "/api/changes?limit=5",
                        null,
                        "allowed: after, database, entity, limit, wait"),
                new Call(
                        HttpMethod.GET,
                        "/api/changes/stream",
                        "/api/changes/stream?follow=false",
                        null,
                        "allowed: after, database, entity, follow"),
                new Call(
                        HttpMethod.POST, "/api/articles", "/api/articles", "{\"url\":\"https://example.com/q\"}", NONE),
                new Call(
                        HttpMethod.POST,
                        "/api/articles",
                        "/api/articles",
                        "{\"articles\":[{\"url\":\"https://example.com/b\"}]}",
                        NONE),
                new Call(
                        HttpMethod.GET,
                        "/api/articles",
                        "/api/articles?url=x",
                        null,
                        "allowed: limit, offset, page_token, url"),
                new Call(HttpMethod.GET, "/api/articles/:id", "/api/articles/a1", null, NONE),
                new Call(HttpMethod.POST, "/api/alerts", "/api/alerts", "{\"title\":\"q\"}", NONE),
                new Call(HttpMethod.POST, "/api/alerts", "/api/alerts", "{\"alerts\":[{\"title\":\"b\"}]}", NONE),
                new Call(HttpMethod.GET, "/api/alerts", "/api/alerts", null, "allowed: limit, offset, page_token"),
                new Call(HttpMethod.GET, "/api/alerts/:id", "/api/alerts/ALERT", null, NONE),
                new Call(
                        HttpMethod.POST,
                        "/api/alert-rules",
                        "/api/alert-rules",
                        "{\"keywords\":[\"LLM\"],\"match\":\"title\"}",
                        NONE),
                new Call(
                        HttpMethod.GET,
                        "/api/alert-rules",
                        "/api/alert-rules?include_deleted=true",
                        null,
                        "allowed: include_deleted, limit, offset, page_token"),
                new Call(HttpMethod.GET, "/api/alert-rules/:id", "/api/alert-rules/1", null, NONE),
                new Call(HttpMethod.DELETE, "/api/alert-rules/:id", "/api/alert-rules/2", null, NONE),
                new Call(
                        HttpMethod.GET,
                        "/api/agents",
                        "/api/agents?offset=0",
                        null,
                        "allowed: limit, offset, page_token"),
                new Call(HttpMethod.GET, "/api/agents/:name", "/api/agents/fixture", null, NONE),
                new Call(
                        HttpMethod.POST,
                        "/api/agents/:name/versions",
                        "/api/agents/fixture/versions",
                        "{\"version\":\"q\",\"code\":\"c\"}",
                        NONE),
                new Call(
                        HttpMethod.GET,
                        "/api/agents/:name/versions",
                        "/api/agents/fixture/versions?include_code=true",
                        null,
                        "allowed: include_code, limit, offset, page_token"),
                new Call(
                        HttpMethod.GET,
                        "/api/agents/:name/versions/:version",
                        "/api/agents/fixture/versions/1",
                        null,
                        NONE),
                new Call(
                        HttpMethod.PUT,
                        "/api/agents/:name/versions/:version",
                        "/api/agents/fixture/versions/1",
                        "{\"is_active\":true}",
                        NONE),
                new Call(
                        HttpMethod.PATCH,
                        "/api/agents/:name/versions/:version",
                        "/api/agents/fixture/versions/1",
                        "{\"is_active\":true}",
                        NONE),
                new Call(HttpMethod.GET, "/api/health/db", "/api/health/db", null, NONE),
                new Call(HttpMethod.GET, "/api/health/live", "/api/health/live", null, NONE),
                new Call(HttpMethod.GET, "/api/health/ready", "/api/health/ready", null, NONE),
                new Call(HttpMethod.GET, "/metrics", "/metrics", null, NONE),
                new Call(HttpMethod.GET, "/openapi.json", "/openapi.json", null, NONE),
                new Call(HttpMethod.GET, "/openapi.yaml", "/openapi.yaml", null, NONE),
                new Call(HttpMethod.GET, "/api/stats", "/api/stats", null, NONE),
                new Call(HttpMethod.GET, "/dashboard", "/dashboard", null, NONE),
                new Call(HttpMethod.GET, "/dashboard/:file", "/dashboard/dashboard.js", null, NONE),
                new Call(HttpMethod.GET, "/docs", "/docs", null, NONE),
                new Call(HttpMethod.GET, "/docs/:file", "/docs/docs.js", null, NONE),
                new Call(HttpMethod.POST, "/api/admin/backups", "/api/admin/backups", "{}", NONE),
                new Call(HttpMethod.GET, "/api/admin/backups", "/api/admin/backups", null, NONE),
                new Call(HttpMethod.GET, "/api/admin/backups/:id", "/api/admin/backups/BACKUP", null, NONE),
                new Call(HttpMethod.GET, "/api/admin/retention", "/api/admin/retention", null, NONE),
                new Call(HttpMethod.POST, "/api/admin/retention", "/api/admin/retention", "{}", NONE));
    }

    static String workflow;
    static long alert;
    static String backup;

    static void fixtures() {
        workflow = json(201, server.send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", "f")))
                .getString("id");
        json(
                201,
                server.send(
                        HttpMethod.POST,
                        "/api/articles",
                        new JsonObject().put("id", "a1").put("url", "u")));
        alert = json(201, server.send(HttpMethod.POST, "/api/alerts", new JsonObject().put("title", "f")))
                .getLong("id");
        for (int i = 0; i < 2; i++) { // rule 1 to get, rule 2 to delete
            json(
                    201,
                    server.send(
                            HttpMethod.POST,
                            "/api/alert-rules",
                            new JsonObject().put("keywords", new JsonArray().add("f"))));
        }
        json(
                201,
                server.send(
                        HttpMethod.POST,
                        "/api/agents/fixture/versions",
                        new JsonObject().put("version", "1").put("code", "c")));
        backup = BackupsDone.take(server).getString("id");
    }

    static HttpResponse<Buffer> send(Call call, String query) {
        String uri = call.uri()
                .replace("WORKFLOW", workflow)
                .replace("ALERT", Long.toString(alert))
                .replace("BACKUP", backup);
        String sep = uri.contains("?") ? "&" : "?";
        return server.send(call.method(), query == null ? uri : uri + sep + query, call.body());
    }

    /** Everything a request could change: every list, the fixture workflow's history, the agent's versions. */
    static JsonObject state() {
        JsonObject state = new JsonObject();
        for (String uri : new String[] {
            "/api/workflows?limit=1000",
            "/api/workflows/" + workflow + "/history",
            "/api/articles?limit=1000",
            "/api/alerts?limit=1000",
            "/api/agents?limit=1000",
            "/api/agents/fixture/versions?include_code=true&limit=1000"
        }) {
            state.put(uri, json(200, server.get(uri)));
        }
        return state;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    @DisplayName("an unknown parameter is a 400 naming it and what the route takes; nothing is created or changed,"
            + " and the same request without it succeeds")
    void unknownParameterIsRefused(Call call) {
        JsonObject before = state();
        String detail = problem(400, send(call, "x=1"));
        assertTrue(detail.startsWith("unknown query parameter 'x'; "), detail);
        assertTrue(detail.endsWith(call.allowed()), detail);
        assertEquals(before, state(), "nothing was written");

        int status = send(call, null).statusCode();
        assertTrue(status == 200 || status == 201 || status == 202, call + " without the parameter answers " + status);
    }

    static Stream<Call> callsWithParameters() {
        return calls().filter(c -> !c.allowed().equals(NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callsWithParameters")
    @DisplayName("a parameter that the route takes, given twice, is a 400 that says so")
    void repeatedParameterIsRefused(Call call) {
        String param = call.allowed().substring("allowed: ".length()).split(", ")[0];
        String value = param.equals("include_code") ? "true" : "1";
        String detail = problem(400, send(call, param + "=" + value + "&" + param + "=" + value));
        assertEquals("query parameter '" + param + "' is given more than once", detail);
    }

    static Stream<Call> callsWithBodies() {
        return calls().filter(c -> c.body() != null);
    }

    static Stream<Call> reads() {
        return calls().filter(c -> c.method() == HttpMethod.GET);
    }

    static HttpResponse<Buffer> sendTyped(Call call, String contentType, String body) {
        String uri = call.uri()
                .replace("WORKFLOW", workflow)
                .replace("ALERT", Long.toString(alert))
                .replace("BACKUP", backup);
        var request = server.http.request(call.method(), uri);
        if (contentType != null) {
            request.putHeader("Content-Type", contentType);
        }
        return TestServer.await(request.sendBuffer(Buffer.buffer(body)));
    }

    /** A form over 1,024 bytes: vertx-web's form decoding once answered it with a bare "malformed request". */
    static final String LONG_FORM = "workflow_name=" + "x".repeat(2000);

    @ParameterizedTest(name = "{0}")
    @MethodSource("callsWithBodies")
    @DisplayName("a body that is not JSON (text/plain and a form, the types a web page sends without a preflight; no"
            + " Content-Type; another charset) is a 415 naming application/json, and changes nothing")
    void bodyThatIsNotJsonIsRefused(Call call) {
        JsonObject before = state();
        for (String[] typed : new String[][] {
            {"text/plain", call.body()},
            {"text/plain;charset=UTF-8", call.body()},
            {"application/x-www-form-urlencoded", LONG_FORM},
            {"multipart/form-data; boundary=x", "--x\r\n\r\n" + call.body() + "\r\n--x--\r\n"},
            {null, call.body()},
            {"application/json; charset=iso-8859-1", call.body()},
            {"application/jsonx", call.body()},
            {"text/json", call.body()}
        }) {
            HttpResponse<Buffer> r = sendTyped(call, typed[0], typed[1]);
            String detail = problem(415, r);
            assertTrue(detail.contains("takes a JSON body, Content-Type: application/json"), detail);
            assertTrue(detail.contains(typed[0] == null ? "without a Content-Type" : "'" + typed[0] + "'"), detail);
            String accept = call.method() == HttpMethod.POST
                    ? "Accept-Post"
                    : call.method() == HttpMethod.PATCH ? "Accept-Patch" : null;
            if (accept != null) {
                String header = r.getHeader(accept);
                assertTrue(
                        header != null && header.endsWith("application/json"), call + " " + typed[0] + ": " + header);
            }
        }
        assertEquals(before, state(), "nothing was written");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callsWithBodies")
    @DisplayName("application/json with charset=utf-8 in any case, quoted or not, is a JSON body")
    void jsonWithUtf8CharsetIsTaken(Call call) {
        String[] types = {"application/json; charset=UTF-8", "Application/JSON;charset=\"utf-8\""};
        for (int i = 0; i < types.length; i++) {
            // a version of its own, so that the other tests' create of version q still succeeds
            String body = call.body().replace("\"version\":\"q\"", "\"version\":\"charset-" + i + "\"");
            int status = sendTyped(call, types[i], body).statusCode();
            assertTrue(status == 200 || status == 201 || status == 202, call + " as " + types[i] + ": " + status);
        }
    }

    @Test
    @DisplayName("a +json type is a JSON body")
    void plusJsonIsTaken() {
        Call create = calls().filter(c -> c.uri().equals("/api/workflows") && c.method() == HttpMethod.POST)
                .findFirst()
                .orElseThrow();
        HttpResponse<Buffer> r = sendTyped(create, "application/vnd.agent-store+json", create.body());
        json(201, r);
        assertEquals("nosniff", r.getHeader("X-Content-Type-Options"));
        assertEquals("no-store", r.getHeader("Cache-Control"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    @DisplayName("HEAD answers as GET does, the same status and Content-Type, with no body")
    void headAnswersAsGet(Call call) {
        HttpResponse<Buffer> get = send(call, null);
        String uri = call.uri()
                .replace("WORKFLOW", workflow)
                .replace("ALERT", Long.toString(alert))
                .replace("BACKUP", backup);
        HttpResponse<Buffer> head =
                TestServer.await(server.http.request(HttpMethod.HEAD, uri).send());
        assertEquals(get.statusCode(), head.statusCode(), call.toString());
        assertEquals(get.getHeader("Content-Type"), head.getHeader("Content-Type"), call.toString());
        // Vert.x leaves Content-Length out of a HEAD answer (RFC 9110 9.3.2: MAY); if it is given, it is the GET's
        String length = head.getHeader("Content-Length");
        // a scrape's length, and the stats', change between two requests
        if (length != null && !Set.of("/metrics", "/api/stats").contains(call.route())) {
            assertEquals(Integer.toString(get.body().length()), length, call.toString());
        }
        assertTrue(head.body() == null || head.body().length() == 0, call + " HEAD has a body");
    }

    @Test
    @DisplayName("a method a path does not take is a 405 whose Allow lists the methods it takes, HEAD beside GET")
    void methodNotAllowedSaysWhatIs() {
        HttpResponse<Buffer> r = server.send(HttpMethod.DELETE, "/api/workflows", (String) null);
        assertTrue(problem(405, r).endsWith("allowed: POST, GET, HEAD"), r.bodyAsString());
        assertEquals("POST, GET, HEAD", r.getHeader("Allow"));
        r = server.send(HttpMethod.POST, "/api/workflows/" + workflow, "{}");
        problem(405, r);
        assertEquals(
                Set.of("GET", "HEAD", "PUT", "PATCH"),
                Set.of(r.getHeader("Allow").split(", ")));
        r = server.send(HttpMethod.DELETE, "/api/agents/fixture/versions/1", (String) null);
        problem(405, r);
        assertEquals(
                Set.of("GET", "HEAD", "PUT", "PATCH"),
                Set.of(r.getHeader("Allow").split(", ")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    @DisplayName("every answer, success or problem, carries X-Content-Type-Options: nosniff and Cache-Control:"
            + " no-store")
    void everyAnswerIsNeitherSniffedNorCached(Call call) {
        // a write succeeds once only (an agent's version): its success is checked by the test of +json
        HttpResponse<Buffer> answer = call.method() == HttpMethod.GET ? send(call, null) : sendTyped(call, null, "x");
        for (HttpResponse<Buffer> r :
                List.of(answer, send(call, "x=1"), server.get("/api/nothing"), server.get("/api/workflows/nope"))) {
            assertEquals("nosniff", r.getHeader("X-Content-Type-Options"), call + " " + r.statusCode());
            assertEquals("no-store", r.getHeader("Cache-Control"), call + " " + r.statusCode());
        }
    }

    @Test
    @DisplayName("the table above names every route the API mounts, so a new route cannot skip these checks unseen")
    void tableCoversEveryRoute() {
        Set<String> mounted = HttpVerticle.routes(server.vertx, server.store).stream()
                .map(r -> r.method() + " " + r.path())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> tested =
                calls().map(c -> c.method() + " " + c.route()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(mounted, tested);
    }
}
