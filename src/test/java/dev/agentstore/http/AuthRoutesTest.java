package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.auth.Keys;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.BackupsDone;
import dev.agentstore.support.LogRecords;
import dev.agentstore.support.RawHttp;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route of the API, read from the router (so that a new route cannot be missed), called with no key, with
 * a malformed Authorization header, with an unknown key, with a key that lacks the route's scope and with the
 * right one, on a server with a keys file: each refused request is a 401 or 403 problem that names the route
 * and the scope and never the key, and changes nothing in the database.
 */
@DisplayName("API keys: every route refuses a caller without the scope it needs, and changes nothing for one")
class AuthRoutesTest {
    static final String READER = Keys.generate();
    static final String WRITER = Keys.generate();
    static final String ADMIN = Keys.generate();
    static final String ALL = Keys.generate();
    /** Well-formed, in no file. */
    static final String UNKNOWN = Keys.generate();

    static final String REALM = "Bearer realm=\"agent-store\"";

    @TempDir
    static Path dir;

    static TestServer server;
    static LogRecords logs;
    static String workflow;
    static long alert;
    static String backup;
    /** Every answer to a refused request, to check that none names a key. */
    static final List<String> refusals = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        logs = LogRecords.capture(Level.INFO);
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                String.join(
                        "\n",
                        "# name scopes sha256",
                        ApiKeys.entry("reader", "read", READER),
                        ApiKeys.entry("writer", "write", WRITER),
                        ApiKeys.entry("ops", "admin", ADMIN) + "   # admin alone: neither read nor write",
                        ApiKeys.entry("all", "read,write,admin", ALL),
                        ""));
        server =
                TestServer.start(dir, new JsonObject().put("auth", new JsonObject().put("keys_file", keys.toString())));
        workflow = json(201, post("/api/workflows", new JsonObject().put("workflow_name", "f")))
                .getString("id");
        json(201, post("/api/articles", new JsonObject().put("id", "a1").put("url", "u")));
        alert = json(201, post("/api/alerts", new JsonObject().put("title", "f")))
                .getLong("id");
        for (int i = 0; i < 2; i++) { // as EveryRouteTest: rule 1 to get, rule 2 to delete
            json(
                    201,
                    post(
                            "/api/alert-rules",
                            new JsonObject().put("keywords", new io.vertx.core.json.JsonArray().add("f"))));
        }
        json(
                201,
                post(
                        "/api/agents/fixture/versions",
                        new JsonObject().put("version", "1").put("code", "c")));
        backup = BackupsDone.take(server).getString("id");
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            logs.close();
        }
        List<String> secrets = new ArrayList<>();
        for (String key : List.of(READER, WRITER, ADMIN, ALL, UNKNOWN)) {
            secrets.add(key);
            secrets.add(ApiKeys.hash(key));
            secrets.add(key.substring(Keys.PREFIX.length()));
        }
        assertFalse(logs.lines().isEmpty(), "the server logged its start: the check below checks something");
        for (String text :
                Stream.concat(logs.lines().stream(), refusals.stream()).toList()) {
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "a key or its hash in: " + text);
            }
        }
    }

    static HttpResponse<Buffer> post(String uri, JsonObject body) {
        return ApiKeys.send(server, HttpMethod.POST, uri, body.encode(), ALL);
    }

    /** A route as the router has it, with who may call it, and a request to it that succeeds as it is. */
    record Route(Api.Mounted mounted, EveryRouteTest.Call call) {
        @Override
        public String toString() {
            return mounted.method() + " " + mounted.path() + " (" + mounted.access() + ")";
        }

        String name() {
            return mounted.method() + " " + mounted.path();
        }
    }

    static Stream<Route> routes() {
        Map<String, EveryRouteTest.Call> calls = EveryRouteTest.calls()
                .collect(Collectors.toMap(c -> c.method() + " " + c.route(), c -> c, (first, second) -> first));
        // A throwaway Vert.x: the list of routes is made before any server is.
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            return HttpVerticle.routes(vertx, new dev.agentstore.bus.StoreClient(vertx, 1_000)).stream()
                    .map(m -> {
                        EveryRouteTest.Call call = calls.get(m.method() + " " + m.path());
                        if (call == null) {
                            throw new AssertionError("EveryRouteTest.calls() has no request for " + m);
                        }
                        return new Route(m, call);
                    })
                    .toList()
                    .stream();
        } finally {
            vertx.close();
        }
    }

    static HttpResponse<Buffer> send(Route r, List<String> authorization) {
        String uri = r.call()
                .uri()
                .replace("WORKFLOW", workflow)
                .replace("ALERT", Long.toString(alert))
                .replace("BACKUP", backup);
        return ApiKeys.send(server, r.call().method(), uri, r.call().body(), authorization);
    }

    static HttpResponse<Buffer> send(Route r, String key) {
        return send(r, List.of("Bearer " + key));
    }

    /** Every row of every table, and what a request may change in place: what any write would change. */
    static String state() {
        Path db = server.workflowDb();
        return Stream.of("workflow_states", "workflow_history", "articles", "alerts", "agent_versions")
                        .map(t -> t + "=" + SqliteFiles.count(db, t))
                        .collect(Collectors.joining(" "))
                + " " + SqliteFiles.text(db, "SELECT group_concat(id || ':' || updated_at) FROM workflow_states")
                + " " + SqliteFiles.text(db, "SELECT group_concat(id || ':' || is_active) FROM agent_versions");
    }

    static String refused(int status, HttpResponse<Buffer> r, String challenge) {
        refusals.add(r.headers().entries() + " " + r.bodyAsString());
        String detail = problem(status, r);
        assertEquals(challenge, r.getHeader("WWW-Authenticate"), detail);
        return detail;
    }

    static String needs(Route r) {
        return r.name() + " needs an API key with scope "
                + r.mounted().access().scope.label();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    @DisplayName("no key, a malformed header, an unknown key: 401 with WWW-Authenticate, naming the route and its"
            + " scope; nothing changed")
    void withoutAValidKeyIs401(Route r) {
        String before = state();
        boolean open = r.mounted().access() == Api.Access.OPEN;
        HttpResponse<Buffer> none = send(r, List.of());
        if (open) {
            assertEquals(200, none.statusCode(), none.bodyAsString());
        } else {
            assertEquals(needs(r) + ": send Authorization: Bearer <key>", refused(401, none, REALM));
        }
        String expected = open ? r.name() + " needs no key" : needs(r);
        for (List<String> malformed : List.of(
                List.of("Basic " + java.util.Base64.getEncoder().encodeToString(("u:" + ALL).getBytes())),
                List.of("Bearer"),
                List.of("Bearer "),
                List.of(ALL),
                List.of("Bearer " + ALL + " " + ALL),
                List.of("Bearer " + ALL + "\"'"))) {
            assertEquals(
                    "the Authorization header is not 'Bearer <key>'; " + expected,
                    refused(401, send(r, malformed), REALM),
                    malformed.toString());
        }
        assertEquals(
                "the request has 2 Authorization headers; " + expected + ": send one, Authorization: Bearer <key>",
                refused(401, send(r, List.of("Bearer " + ALL, "Bearer " + ALL)), REALM));
        assertEquals(
                "the API key is not valid (unknown, or revoked); " + expected,
                refused(401, send(r, UNKNOWN), REALM + ", error=\"invalid_token\""));
        assertEquals(before, state(), "nothing was written");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    @DisplayName("a key without the route's scope is a 403 naming the scope; admin implies neither read nor write;"
            + " nothing changed")
    void keyWithoutTheScopeIs403(Route r) {
        Api.Access access = r.mounted().access();
        List<String> lacking = switch (access) {
            case READ -> List.of(WRITER, ADMIN);
            case WRITE -> List.of(READER, ADMIN);
            case ADMIN -> List.of(READER, WRITER);
            case OPEN -> List.of();
        };
        String before = state();
        for (String key : lacking) {
            String scope = access.scope.label();
            assertEquals(
                    "the API key lacks scope " + scope + ", which " + r.name() + " needs",
                    refused(403, send(r, key), REALM + ", error=\"insufficient_scope\", scope=\"" + scope + "\""));
        }
        assertEquals(before, state(), "nothing was written");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    @DisplayName("a key with the route's scope, and no other, is served")
    void keyWithTheScopeIsServed(Route r) {
        String key = switch (r.mounted().access()) {
            case READ -> READER;
            case WRITE -> WRITER;
            case ADMIN, OPEN -> ADMIN;
        };
        HttpResponse<Buffer> answer = send(r, key);
        assertTrue(
                answer.statusCode() == 200 || answer.statusCode() == 201 || answer.statusCode() == 202,
                r + ": " + answer.bodyAsString());
    }

    @Test
    @DisplayName("the routes are those the API mounts, each with a scope: data GETs read, writes write, health,"
            + " the OpenAPI document, /docs and the dashboard's files open, metrics, stats and /api/admin/ admin")
    void everyRouteHasItsAccess() {
        List<Route> all = routes().toList();
        assertEquals(
                EveryRouteTest.calls()
                        .map(c -> c.method() + " " + c.route())
                        .distinct()
                        .count(),
                all.size());
        for (Route r : all) {
            Api.Access expected = r.name().startsWith("GET /api/health/")
                            || r.name().startsWith("GET /openapi.")
                            || r.name().startsWith("GET /dashboard")
                            || r.name().startsWith("GET /docs")
                    ? Api.Access.OPEN
                    : Set.of("GET /metrics", "GET /api/stats").contains(r.name())
                                    || r.name().contains(" /api/admin/")
                            ? Api.Access.ADMIN
                            : r.mounted().method() == HttpMethod.GET ? Api.Access.READ : Api.Access.WRITE;
            assertEquals(expected, r.mounted().access(), r.name());
        }
    }

    @Test
    @DisplayName("/api/health/db gives its detail (paths, pools) to an admin key only; anyone else gets the status;"
            + " readiness names no file")
    void healthDetailIsForAdmin() {
        JsonObject anonymous = json(200, server.get("/api/health/db"));
        assertEquals(new JsonObject().put("status", "healthy"), anonymous);
        assertEquals(
                new JsonObject().put("status", "healthy"),
                json(200, ApiKeys.send(server, HttpMethod.GET, "/api/health/db", null, READER)));
        JsonObject detail = json(200, ApiKeys.send(server, HttpMethod.GET, "/api/health/db", null, ADMIN));
        assertEquals(
                server.workflowDb().toAbsolutePath().toString(),
                detail.getJsonObject("databases").getJsonObject("workflow").getString("path"));
        assertTrue(detail.getJsonObject("databases").getJsonObject("workflow").containsKey("pool_stats"));

        HttpResponse<Buffer> ready = server.get("/api/health/ready");
        assertEquals(200, ready.statusCode());
        assertFalse(ready.bodyAsString().contains(dir.toString()), ready.bodyAsString());
        assertFalse(ready.bodyAsString().contains("pool"), ready.bodyAsString());
        assertEquals(200, server.get("/api/health/live").statusCode());
    }

    @Test
    @DisplayName("a path that names no route is 404, and a method a route does not take 405, with or without a key")
    void unknownPathIs404ForAnyone() {
        assertEquals("no endpoint /api/nothing", problem(404, server.get("/api/nothing")));
        problem(404, ApiKeys.send(server, HttpMethod.GET, "/api/nothing", null, UNKNOWN));
        problem(405, server.send(HttpMethod.DELETE, "/api/workflows", (String) null));
    }

    @Test
    @DisplayName("a POST with a huge Content-Length and no key gets 401 at once, before its body: nothing is"
            + " buffered, and the connection is closed; with a key the body reader refuses it (413)")
    void refusedBodyIsNotRead() throws IOException {
        String head = "POST /api/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000000000\r\n";
        RawHttp.Answer noKey = RawHttp.exchange(server.started.port(), RawHttp.latin1(head + "\r\n"), 5_000);
        assertEquals(401, noKey.status(), noKey.text());
        assertTrue(noKey.closed(), "a body too long to drop: the connection is closed after the answer");
        assertEquals(0, BodyBudget.of(server.vertx).used(), "the refused body took nothing from the budget");

        RawHttp.Answer withKey = RawHttp.exchange(
                server.started.port(), RawHttp.latin1(head + "Authorization: Bearer " + WRITER + "\r\n\r\n"), 5_000);
        assertEquals(413, withKey.status(), withKey.text());
    }

    @Test
    @DisplayName("a small body refused with 401 is dropped, and its connection serves the next request; a client"
            + " waiting for 100 Continue gets the 401 and no 100")
    void refusedSmallBodyIsDroppedAndTheConnectionKept() throws IOException {
        String before = state();
        String body = "{\"workflow_name\":\"never\"}";
        String request = "POST /api/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /api/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        RawHttp.Answer answer = RawHttp.exchange(server.started.port(), RawHttp.latin1(request), 1_000);
        assertEquals(401, answer.status(), answer.text());
        assertTrue(answer.text().contains("HTTP/1.1 200 OK"), "the next request was served: " + answer.text());
        assertFalse(answer.closed());

        RawHttp.Answer waiting = RawHttp.exchange(
                server.started.port(),
                RawHttp.latin1("POST /api/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\nExpect: 100-continue\r\n\r\n"),
                5_000);
        assertEquals(401, waiting.status(), waiting.text());
        assertFalse(waiting.text().contains("100 Continue"), waiting.text());
        assertTrue(waiting.closed(), "its body never comes: the connection is closed");
        assertEquals(before, state());
    }
}
