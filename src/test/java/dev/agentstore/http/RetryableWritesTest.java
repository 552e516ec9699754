package dev.agentstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Http;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Writes that agents can retry: idempotency keys, ETags, merge patch, the state machine (HTTP)")
@RealServer
class RetryableWritesTest {
    static TestServer server;

    /** A request with a JSON body (or none) and headers given as name, value, name, value... */
    static HttpResponse<Buffer> send(HttpMethod method, String uri, Object body, String... headers) {
        return TestServer.await(request(method, uri, body, headers));
    }

    static Future<HttpResponse<Buffer>> request(HttpMethod method, String uri, Object body, String... headers) {
        HttpRequest<Buffer> req = server.http.request(method, uri);
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            req.putHeader(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body == null) {
            return req.send();
        }
        if (!typed) {
            req.putHeader("Content-Type", "application/json");
        }
        return req.sendBuffer(Buffer.buffer(body instanceof JsonObject o ? o.encode() : body.toString()));
    }

    static String key() {
        return "key-" + UUID.randomUUID();
    }

    static long rows(String table) {
        return SqliteFiles.count(server.workflowDb(), table);
    }

    static JsonObject create(String name) {
        return Http.json(201, send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", name)))
                .getJsonObject("workflow");
    }

    /** POST /api/workflows with {@code body} (a JsonObject or JSON text) and an Idempotency-Key. */
    static HttpResponse<Buffer> createWithKey(Object body, String key) {
        return send(HttpMethod.POST, "/api/workflows", body, "Idempotency-Key", key);
    }

    static JsonObject get(String id) {
        return Http.json(200, send(HttpMethod.GET, "/api/workflows/" + id, null));
    }

    static int history(String id) {
        return Http.json(200, send(HttpMethod.GET, "/api/workflows/" + id + "/history", null))
                .getJsonArray("history")
                .size();
    }

    static HttpResponse<Buffer> put(String id, JsonObject body, String... headers) {
        return send(HttpMethod.PUT, "/api/workflows/" + id, body, headers);
    }

    static HttpResponse<Buffer> patch(String id, Object body, String... headers) {
        String[] all = Stream.concat(Stream.of("Content-Type", WorkflowRoutes.MERGE_PATCH), Stream.of(headers))
                .toArray(String[]::new);
        return send(HttpMethod.PATCH, "/api/workflows/" + id, body, all);
    }

    @Nested
    @DisplayName("Idempotency-Key")
    class Keys {
        @Test
        @DisplayName("a retried create answers the first status and body, marked replayed, and leaves one row")
        void retriedCreate() {
            String k = key();
            JsonObject body = new JsonObject().put("workflow_name", "retry").put("initial_data", new JsonObject());
            long before = rows("workflow_states");
            HttpResponse<Buffer> first = createWithKey(body, k);
            HttpResponse<Buffer> again = createWithKey(body, k);
            assertEquals(201, first.statusCode(), first.bodyAsString());
            assertEquals(201, again.statusCode(), again.bodyAsString());
            assertNull(first.getHeader("Idempotent-Replayed"));
            assertEquals("true", again.getHeader("Idempotent-Replayed"));
            assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject());
            assertEquals(first.getHeader("Location"), again.getHeader("Location"));
            assertEquals(before + 1, rows("workflow_states"));
        }

        @Test
        @DisplayName("the same key with the same JSON in another key order and spacing is the same request")
        void sameJsonOtherOrder() {
            String k = key();
            String a = "{\"workflow_name\":\"order\",\"initial_data\":{\"x\":1,\"y\":[1,{\"b\":2,\"a\":1}]}}";
            String b =
                    "{ \"initial_data\": {\"y\": [1, {\"a\": 1, \"b\": 2}], \"x\": 1}, \"workflow_name\": \"order\" }";
            JsonObject first = Http.json(201, createWithKey(a, k));
            HttpResponse<Buffer> again = createWithKey(b, k);
            assertEquals(first, Http.json(201, again));
            assertEquals("true", again.getHeader("Idempotent-Replayed"));
        }

        @Test
        @DisplayName("a used key with another body, or on another operation, is 422 and writes nothing")
        void changedBodyIs422() {
            String k = key();
            Http.json(201, createWithKey(new JsonObject().put("workflow_name", "a"), k));
            long workflows = rows("workflow_states");
            long articles = rows("articles");
            String detail = Http.problem(422, createWithKey(new JsonObject().put("workflow_name", "b"), k));
            assertTrue(detail.contains("another request"), detail);
            Http.problem(
                    422,
                    send(
                            HttpMethod.POST,
                            "/api/articles",
                            new JsonObject().put("url", "https://x.test/1"),
                            "Idempotency-Key",
                            k));
            assertEquals(workflows, rows("workflow_states"));
            assertEquals(articles, rows("articles"));
        }

        @Test
        @DisplayName("50 concurrent requests with one key write one row, and all get the same answer")
        void concurrentRequestsWriteOnce() {
            String k = key();
            JsonObject body = new JsonObject().put("workflow_name", "fifty");
            long before = rows("workflow_states");
            List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                all.add(request(HttpMethod.POST, "/api/workflows", body, "Idempotency-Key", k));
            }
            TestServer.await(Future.join(all));
            Set<JsonObject> bodies = new HashSet<>();
            int replayed = 0;
            for (Future<HttpResponse<Buffer>> f : all) {
                HttpResponse<Buffer> r = f.result();
                assertEquals(201, r.statusCode(), r.bodyAsString());
                bodies.add(r.bodyAsJsonObject());
                replayed += "true".equals(r.getHeader("Idempotent-Replayed")) ? 1 : 0;
            }
            assertEquals(1, bodies.size(), "one answer for all");
            assertEquals(49, replayed);
            assertEquals(before + 1, rows("workflow_states"));
        }

        @Test
        @DisplayName("every POST takes a key: article, article batch, alert, alert batch, agent version")
        void everyPost() {
            record Post(String uri, JsonObject body, String table) {}
            List<Post> posts = List.of(
                    new Post("/api/articles", new JsonObject().put("url", "https://x.test/k1"), "articles"),
                    new Post(
                            "/api/articles",
                            new JsonObject()
                                    .put(
                                            "articles",
                                            new JsonArray().add(new JsonObject().put("url", "https://x.test/k2"))),
                            "articles"),
                    new Post("/api/alerts", new JsonObject().put("title", "k"), "alerts"),
                    new Post(
                            "/api/alerts",
                            new JsonObject().put("alerts", new JsonArray().add(new JsonObject().put("title", "kb"))),
                            "alerts"),
                    new Post(
                            "/api/agents/keyed/versions",
                            new JsonObject().put("version", "1").put("code", "x"),
                            "agent_versions"));
            for (Post p : posts) {
                String k = key();
                long before = rows(p.table());
                HttpResponse<Buffer> first = send(HttpMethod.POST, p.uri(), p.body(), "Idempotency-Key", k);
                HttpResponse<Buffer> again = send(HttpMethod.POST, p.uri(), p.body(), "Idempotency-Key", k);
                assertEquals(201, first.statusCode(), p + ": " + first.bodyAsString());
                assertEquals(201, again.statusCode(), p + ": a replay, not 'ignored' nor 409: " + again.bodyAsString());
                assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject(), p.toString());
                assertEquals("true", again.getHeader("Idempotent-Replayed"), p.toString());
                assertEquals(before + 1, rows(p.table()), p.toString());
            }
        }

        @Test
        @DisplayName("a retried update adds one history row, not two")
        void retriedUpdate() {
            String id = create("u").getString("id");
            String k = key();
            JsonObject change = new JsonObject().put("status", "running").put("current_step", "s1");
            HttpResponse<Buffer> first = put(id, change, "Idempotency-Key", k);
            HttpResponse<Buffer> again = put(id, change, "Idempotency-Key", k);
            assertEquals(Http.json(200, first), Http.json(200, again));
            assertEquals("true", again.getHeader("Idempotent-Replayed"));
            assertEquals(2, history(id));
        }

        @ParameterizedTest(name = "key ''{0}''")
        @ValueSource(strings = {"", " ", "\u00e9t\u00e9"})
        @DisplayName("a key that is empty, blank or not printable ASCII is 400")
        void badKeys(String k) {
            long before = rows("workflow_states");
            Http.problem(400, createWithKey(new JsonObject().put("workflow_name", "bad"), k));
            assertEquals(before, rows("workflow_states"));
        }

        @Test
        @DisplayName("a key over 255 characters, or two keys, is 400")
        void longOrTwoKeys() {
            String detail =
                    Http.problem(400, createWithKey(new JsonObject().put("workflow_name", "bad"), "k".repeat(256)));
            assertTrue(detail.contains("255"), detail);
            HttpResponse<Buffer> two = TestServer.await(server.http
                    .request(HttpMethod.POST, "/api/workflows")
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Idempotency-Key", List.of("a", "b"))
                    .sendBuffer(Buffer.buffer("{\"workflow_name\":\"two\"}")));
            Http.problem(400, two);
        }

        @Test
        @DisplayName("a failed write stores no answer: its retry runs again")
        void failuresAreNotStored() {
            String k = key();
            JsonObject body = new JsonObject().put("version", "1").put("code", "x");
            Http.json(201, send(HttpMethod.POST, "/api/agents/failing/versions", body));
            Http.problem(409, send(HttpMethod.POST, "/api/agents/failing/versions", body, "Idempotency-Key", k));
            assertEquals(
                    0,
                    SqliteFiles.number(server.workflowDb(), "SELECT count(*) FROM idempotency_keys WHERE key = ?", k));
        }

        @Test
        @DisplayName("a key older than retention.idempotency_keys_s is free again: the request runs anew")
        void expiredKeyIsFree() {
            String k = key();
            JsonObject body = new JsonObject().put("workflow_name", "old");
            JsonObject first = Http.json(201, createWithKey(body, k));
            SqliteFiles.execute(
                    server.workflowDb(), "UPDATE idempotency_keys SET created_ms = 0 WHERE key = '" + k + "'");
            HttpResponse<Buffer> again = createWithKey(body, k);
            assertEquals(201, again.statusCode());
            assertNull(again.getHeader("Idempotent-Replayed"));
            assertFalse(first.getString("id").equals(again.bodyAsJsonObject().getString("id")));
        }

        @Test
        @DisplayName("an admin POST refuses a key with 400 (a backup asked for twice finds the one running)")
        void adminRefusesKeys() {
            Http.problem(400, send(HttpMethod.POST, "/api/admin/backups", new JsonObject(), "Idempotency-Key", key()));
        }
    }

    @Nested
    @DisplayName("ETag, If-None-Match, If-Match")
    class Versions {
        @Test
        @DisplayName("a GET answers the ETag of its version; If-None-Match on it is 304 without a body")
        void etagAnd304() {
            String id = create("etag").getString("id");
            HttpResponse<Buffer> r = send(HttpMethod.GET, "/api/workflows/" + id, null);
            assertEquals("\"1\"", r.getHeader("ETag"));
            assertEquals(1, r.bodyAsJsonObject().getLong("version"));
            for (String tag : List.of("\"1\"", "W/\"1\"", "\"7\", \"1\"", "*")) {
                HttpResponse<Buffer> cached = send(HttpMethod.GET, "/api/workflows/" + id, null, "If-None-Match", tag);
                assertEquals(304, cached.statusCode(), tag);
                assertEquals("\"1\"", cached.getHeader("ETag"));
                assertTrue(cached.body() == null || cached.body().length() == 0);
            }
            assertEquals(
                    200,
                    send(HttpMethod.GET, "/api/workflows/" + id, null, "If-None-Match", "\"2\"")
                            .statusCode());
            HttpResponse<Buffer> updated = put(id, new JsonObject().put("status", "running"));
            assertEquals("\"2\"", updated.getHeader("ETag"));
            assertEquals(2, updated.bodyAsJsonObject().getJsonObject("workflow").getLong("version"));
            assertEquals(
                    200,
                    send(HttpMethod.GET, "/api/workflows/" + id, null, "If-None-Match", "\"1\"")
                            .statusCode());
        }

        @Test
        @DisplayName("If-Match on another version is 412 and changes nothing; on the current one the update runs")
        void staleIfMatch() {
            String id = create("stale").getString("id");
            put(id, new JsonObject().put("status", "running"));
            JsonObject before = get(id);
            String detail =
                    Http.problem(412, put(id, new JsonObject().put("current_step", "late"), "If-Match", "\"1\""));
            assertTrue(detail.contains("version 2, not 1"), detail);
            assertEquals(before, get(id));
            assertEquals(2, history(id));
            Http.json(200, put(id, new JsonObject().put("current_step", "now"), "If-Match", "\"2\""));
            Http.json(200, put(id, new JsonObject().put("current_step", "any"), "If-Match", "*"));
        }

        @Test
        @DisplayName("a weak or foreign tag never matches (412); a list of tags is 400")
        void oddIfMatch() {
            String id = create("odd").getString("id");
            Http.problem(412, put(id, new JsonObject().put("current_step", "x"), "If-Match", "W/\"1\""));
            Http.problem(412, put(id, new JsonObject().put("current_step", "x"), "If-Match", "\"abc\""));
            Http.problem(412, put(id, new JsonObject().put("current_step", "x"), "If-Match", "1"));
            Http.problem(400, put(id, new JsonObject().put("current_step", "x"), "If-Match", "\"1\", \"2\""));
            Http.problem(412, put(id, new JsonObject().put("current_step", "x"), "If-Match", "\"0\""));
            Http.problem(400, put(id, new JsonObject().put("current_step", "x").put("expected_version", 1)));
            assertEquals(1, get(id).getLong("version"));
        }

        @Test
        @DisplayName("two racing updates with one ETag: one 200, one 412, one history row")
        void racingUpdates() {
            for (int round = 0; round < 5; round++) {
                String id = create("race").getString("id");
                Future<HttpResponse<Buffer>> a = request(
                        HttpMethod.PUT,
                        "/api/workflows/" + id,
                        new JsonObject().put("status", "running").put("current_step", "a"),
                        "If-Match",
                        "\"1\"");
                Future<HttpResponse<Buffer>> b = request(
                        HttpMethod.PUT,
                        "/api/workflows/" + id,
                        new JsonObject().put("status", "running").put("current_step", "b"),
                        "If-Match",
                        "\"1\"");
                TestServer.await(Future.join(a, b));
                List<Integer> codes = new ArrayList<>(
                        List.of(a.result().statusCode(), b.result().statusCode()));
                codes.sort(null);
                assertEquals(List.of(200, 412), codes);
                assertEquals(2, history(id), "the create's row and the winner's");
                assertEquals(2, get(id).getLong("version"));
            }
        }

        @Test
        @DisplayName("an agent version has an ETag (its row_version); If-Match guards its activation")
        void agentVersions() {
            Http.json(
                    201,
                    send(
                            HttpMethod.POST,
                            "/api/agents/tagged/versions",
                            new JsonObject().put("version", "1").put("code", "c")));
            String uri = "/api/agents/tagged/versions/1";
            HttpResponse<Buffer> r = send(HttpMethod.GET, uri, null);
            assertEquals("\"1\"", r.getHeader("ETag"));
            String latest = send(HttpMethod.GET, "/api/agents/tagged", null).getHeader("ETag");
            assertTrue(latest.matches("\"[0-9]+-1\""), latest);
            assertEquals(
                    304,
                    send(HttpMethod.GET, uri, null, "If-None-Match", "\"1\"").statusCode());
            HttpResponse<Buffer> off =
                    send(HttpMethod.PUT, uri, new JsonObject().put("is_active", false), "If-Match", "\"1\"");
            assertEquals(2, Http.json(200, off).getLong("row_version"));
            assertEquals("\"2\"", off.getHeader("ETag"));
            Http.problem(
                    412, send(HttpMethod.PATCH, uri, new JsonObject().put("is_active", true), "If-Match", "\"1\""));
            assertFalse(Http.json(200, send(HttpMethod.GET, uri, null)).getBoolean("is_active"));
        }

        @Test
        @DisplayName("the latest version's ETag names the version: a new latest is never a 304 of the old one")
        void latestTagNamesTheVersion() {
            Http.json(
                    201,
                    send(
                            HttpMethod.POST,
                            "/api/agents/rolling/versions",
                            new JsonObject().put("version", "1").put("code", "one")));
            String first = send(HttpMethod.GET, "/api/agents/rolling", null).getHeader("ETag");
            assertEquals(
                    304,
                    send(HttpMethod.GET, "/api/agents/rolling", null, "If-None-Match", first)
                            .statusCode());
            Http.json(
                    201,
                    send(
                            HttpMethod.POST,
                            "/api/agents/rolling/versions",
                            new JsonObject().put("version", "2").put("code", "two")));
            HttpResponse<Buffer> now = send(HttpMethod.GET, "/api/agents/rolling", null, "If-None-Match", first);
            assertEquals("two", Http.json(200, now).getString("code"));
            assertFalse(first.equals(now.getHeader("ETag")));
        }
    }

    @Nested
    @DisplayName("PATCH with JSON Merge Patch")
    class MergePatch {
        JsonObject full() {
            String id = create("patch").getString("id");
            Http.json(
                    200,
                    put(
                            id,
                            new JsonObject()
                                    .put("status", "running")
                                    .put("current_step", "fetch")
                                    .put("error_message", "retrying")
                                    .put(
                                            "data",
                                            new JsonObject()
                                                    .put("keep", 1)
                                                    .put("drop", "x")
                                                    .put(
                                                            "nested",
                                                            new JsonObject()
                                                                    .put("a", 1)
                                                                    .put("b", 2)))));
            return get(id);
        }

        @Test
        @DisplayName("null clears current_step, error_message, a key of data; objects merge at every depth")
        void clears() {
            JsonObject wf = full();
            String id = wf.getString("id");
            JsonObject after = Http.json(
                            200,
                            patch(
                                    id,
                                    new JsonObject()
                                            .putNull("current_step")
                                            .putNull("error_message")
                                            .put(
                                                    "data",
                                                    new JsonObject()
                                                            .putNull("drop")
                                                            .put("added", true)
                                                            .put(
                                                                    "nested",
                                                                    new JsonObject()
                                                                            .putNull("a")
                                                                            .put("c", 3)))))
                    .getJsonObject("workflow");
            assertNull(after.getValue("current_step"));
            assertNull(after.getValue("error_message"));
            assertEquals(
                    new JsonObject()
                            .put("keep", 1)
                            .put("nested", new JsonObject().put("b", 2).put("c", 3))
                            .put("added", true),
                    after.getJsonObject("data"));
            assertEquals("running", after.getString("status"));
            assertEquals(get(id), after, "what the answer says is what is stored");
            assertEquals(wf.getLong("version") + 1, after.getLong("version"));
        }

        @Test
        @DisplayName("data: null clears all of data; status moves as in PUT; each patch adds one history row")
        void clearsData() {
            JsonObject wf = full();
            String id = wf.getString("id");
            int rows = history(id);
            JsonObject after = Http.json(
                            200, patch(id, new JsonObject().putNull("data").put("status", "completed")))
                    .getJsonObject("workflow");
            assertNull(after.getValue("data"));
            assertEquals("completed", after.getString("status"));
            assertEquals(rows + 1, history(id));
        }

        @Test
        @DisplayName("application/json is read as the same merge patch")
        void plainJson() {
            JsonObject wf = full();
            JsonObject after = Http.json(
                            200,
                            send(
                                    HttpMethod.PATCH,
                                    "/api/workflows/" + wf.getString("id"),
                                    new JsonObject().putNull("current_step")))
                    .getJsonObject("workflow");
            assertNull(after.getValue("current_step"));
            assertEquals(wf.getString("error_message"), after.getString("error_message"));
        }

        @Test
        @DisplayName("an empty patch changes nothing and writes no history row")
        void emptyPatch() {
            JsonObject wf = full();
            int rows = history(wf.getString("id"));
            assertEquals(
                    wf,
                    Http.json(200, patch(wf.getString("id"), new JsonObject())).getJsonObject("workflow"));
            assertEquals(wf, get(wf.getString("id")));
            assertEquals(rows, history(wf.getString("id")));
        }

        @Test
        @DisplayName("a patch that is not a merge patch is refused and changes nothing")
        void refused() {
            JsonObject wf = full();
            String id = wf.getString("id");
            Http.problem(400, patch(id, new JsonObject().putNull("status")));
            Http.problem(400, patch(id, new JsonObject().put("workflow_name", "renamed")));
            Http.problem(400, patch(id, new JsonObject().put("data", "text")));
            Http.problem(400, patch(id, new JsonObject().put("status", "sleeping")));
            Http.problem(400, patch(id, "[1]"));
            Http.problem(412, patch(id, new JsonObject().put("current_step", "x"), "If-Match", "\"1\""));
            HttpResponse<Buffer> text = send(
                    HttpMethod.PATCH,
                    "/api/workflows/" + id,
                    new JsonObject().put("current_step", "x"),
                    "Content-Type",
                    "text/plain");
            Http.problem(415, text);
            Http.problem(
                    415,
                    send(
                            HttpMethod.PATCH,
                            "/api/workflows/" + id,
                            new JsonObject().put("current_step", "x"),
                            "Content-Type",
                            "application/json-patch+json"));
            assertEquals(WorkflowRoutes.MERGE_PATCH + ", application/json", text.getHeader("Accept-Patch"));
            Http.problem(404, patch("no-such-workflow", new JsonObject().put("current_step", "x")));
            assertEquals(wf, get(id));
        }
    }

    @Nested
    @DisplayName("the state machine")
    class StateMachine {
        static Stream<Arguments> refused() {
            List<Arguments> cases = new ArrayList<>();
            cases.add(Arguments.of("pending", "pending"));
            cases.add(Arguments.of("running", "pending"));
            for (String fin : List.of("completed", "failed", "cancelled")) {
                for (String to : List.of("pending", "running", "completed", "failed", "cancelled")) {
                    cases.add(Arguments.of(fin, to));
                }
            }
            return cases.stream();
        }

        static String at(String status) {
            String id = create("sm").getString("id");
            if (!status.equals("pending")) {
                Http.json(200, put(id, new JsonObject().put("status", status)));
            }
            return id;
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @MethodSource("refused")
        @DisplayName("every disallowed transition is 409, over PUT and PATCH, and changes nothing")
        void disallowed(String from, String to) {
            String id = at(from);
            JsonObject before = get(id);
            int rows = history(id);
            String detail = Http.problem(409, put(id, new JsonObject().put("status", to)));
            assertTrue(detail.contains("is " + from), detail);
            if (from.equals("pending") || from.equals("running")) {
                assertTrue(detail.contains("only to running, completed, failed, cancelled"), detail);
            } else {
                assertTrue(detail.contains("final"), detail);
            }
            Http.problem(409, patch(id, new JsonObject().put("status", to)));
            assertEquals(before, get(id));
            assertEquals(rows, history(id));
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @MethodSource("allowed")
        @DisplayName("the allowed transitions move, and a final one sets completed_at")
        void allowedMove(String from, String to) {
            String id = at(from);
            JsonObject wf = Http.json(
                            200, put(id, new JsonObject().put("status", to).put("current_step", "s")))
                    .getJsonObject("workflow");
            assertEquals(to, wf.getString("status"));
            assertEquals(!to.equals("running"), wf.getValue("completed_at") != null);
        }

        static Stream<Arguments> allowed() {
            List<Arguments> cases = new ArrayList<>();
            for (String from : List.of("pending", "running")) {
                for (String to : List.of("running", "completed", "failed", "cancelled")) {
                    cases.add(Arguments.of(from, to));
                }
            }
            return cases.stream();
        }

        @Test
        @DisplayName("a final workflow refuses a change without a status too")
        void finalRefusesData() {
            String id = at("failed");
            Http.problem(409, put(id, new JsonObject().put("data", new JsonObject())));
            Http.problem(409, patch(id, new JsonObject().putNull("error_message")));
        }
    }

    @Nested
    @DisplayName("the Python manager's calls, over HTTP")
    class PythonManager {
        @Test
        @DisplayName("an article's and an alert's created_at are stored as given, and lists order by them")
        void createdAtGiven() {
            JsonObject a = Http.json(
                    201,
                    send(
                            HttpMethod.POST,
                            "/api/articles",
                            new JsonObject()
                                    .put("id", "py-old")
                                    .put("url", "https://x.test/py")
                                    .put("created_at", "1999-11-28T03:50:52.611432")));
            assertEquals(
                    "1999-11-28T03:50:52.611432", a.getJsonObject("article").getString("created_at"));
            assertEquals(
                    "1999-11-28T03:50:52.611432",
                    Http.json(200, send(HttpMethod.GET, "/api/articles/py-old", null))
                            .getString("created_at"));
            JsonArray page = Http.json(200, send(HttpMethod.GET, "/api/articles?limit=1000", null))
                    .getJsonArray("articles");
            assertEquals("py-old", page.getJsonObject(page.size() - 1).getString("id"), "the oldest last");
            Http.problem(
                    400,
                    send(
                            HttpMethod.POST,
                            "/api/articles",
                            new JsonObject().put("url", "https://x.test/py2").put("created_at", "28/11/2025")));
            JsonObject alert = Http.json(
                            201,
                            send(
                                    HttpMethod.POST,
                                    "/api/alerts",
                                    new JsonObject()
                                            .put("title", "Keyword Detected")
                                            .put("created_at", "1999-01-02 03:04:05")))
                    .getJsonObject("alert");
            assertEquals("1999-01-02 03:04:05", alert.getString("created_at"));
        }

        @Test
        @DisplayName("a workflow created with its own id keeps it; a second create with that id is 409")
        void workflowIdGiven() {
            String id = "py-" + UUID.randomUUID();
            HttpResponse<Buffer> r = send(
                    HttpMethod.POST,
                    "/api/workflows",
                    new JsonObject().put("id", id).put("workflow_name", "mine"));
            assertEquals(id, Http.json(201, r).getString("id"));
            assertEquals("/api/workflows/" + id, r.getHeader("Location"));
            long before = rows("workflow_states");
            Http.problem(
                    409,
                    send(
                            HttpMethod.POST,
                            "/api/workflows",
                            new JsonObject().put("id", id).put("workflow_name", "again")));
            assertEquals(before, rows("workflow_states"));
            JsonObject keyed = new JsonObject().put("id", id + "-k").put("workflow_name", "keyed");
            String k = key();
            Http.json(201, createWithKey(keyed, k));
            HttpResponse<Buffer> replay = createWithKey(keyed, k);
            assertEquals(201, replay.statusCode(), "the key's replay, not the id's 409");
            assertEquals("true", replay.getHeader("Idempotent-Replayed"));
        }

        @Test
        @DisplayName("an empty article or alert batch is a 200 with empty inserted and ignored")
        void emptyBatches() {
            JsonObject empty = new JsonObject().put("inserted", new JsonArray()).put("ignored", new JsonArray());
            assertEquals(
                    empty,
                    Http.json(
                            200,
                            send(HttpMethod.POST, "/api/articles", new JsonObject().put("articles", new JsonArray()))));
            assertEquals(
                    empty,
                    Http.json(
                            200,
                            send(HttpMethod.POST, "/api/alerts", new JsonObject().put("alerts", new JsonArray()))));
        }

        @Test
        @DisplayName(
                "history rows carry the Python texts: Workflow created, Updated to STATUS, State updated, the error")
        void historyTexts() {
            String id = create("texts").getString("id");
            put(id, new JsonObject().put("status", "running"));
            patch(id, new JsonObject().put("data", new JsonObject().put("k", 1)));
            put(id, new JsonObject().put("status", "failed").put("error_message", "boom"));
            List<String> messages = new ArrayList<>();
            Http.json(200, send(HttpMethod.GET, "/api/workflows/" + id + "/history", null))
                    .getJsonArray("history")
                    .forEach(h -> messages.add(((JsonObject) h).getString("message")));
            assertEquals(List.of("Workflow created", "Updated to running", "State updated", "boom"), messages);
        }
    }
}
