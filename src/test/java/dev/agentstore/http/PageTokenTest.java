package dev.agentstore.http;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.support.Http;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Page tokens on every list: the same rows as offset paging, none repeated or skipped under inserts")
@RealServer
class PageTokenTest {
    static TestServer server;

    /** A list: its path (with its filters), the field of its rows and the field that names a row. */
    record Listed(String path, String field, String key) {}

    static final List<Listed> LISTS = List.of(
            new Listed("/api/workflows", "workflows", "id"),
            new Listed("/api/workflows?status=running", "workflows", "id"),
            new Listed("/api/articles", "articles", "id"),
            new Listed("/api/articles?url=" + enc("https://pages.example/even"), "articles", "id"),
            new Listed("/api/alerts", "alerts", "id"),
            new Listed("/api/agents", "agents", "agent_name"),
            new Listed("/api/agents/many/versions", "versions", "version"),
            new Listed("/api/agents/many/versions?include_code=true", "versions", "version"));

    static String historyOf;

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static JsonObject post(int status, String uri, JsonObject body) {
        return Http.json(status, server.send(HttpMethod.POST, uri, body));
    }

    /**
     * Rows that tie on their time: creates sent at once (many in one millisecond), batches (one time for a
     * batch), caller-given times, and, as a legacy file may hold, articles and alerts without a time.
     */
    @BeforeAll
    static void rows() {
        List<Future<?>> creates = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            creates.add(server.store.createWorkflow(new JsonObject().put("workflow_name", "paged-" + i)));
        }
        await(Future.all(creates));
        JsonArray workflows =
                Http.json(200, server.get("/api/workflows?limit=1000")).getJsonArray("workflows");
        for (int i = 0; i < workflows.size(); i += 3) {
            String id = workflows.getJsonObject(i).getString("id");
            Http.json(
                    200,
                    server.send(HttpMethod.PUT, "/api/workflows/" + id, new JsonObject().put("status", "running")));
        }
        historyOf = workflows.getJsonObject(1).getString("id"); // not among those set running above
        for (int i = 0; i < 30; i++) {
            Http.json(
                    200,
                    server.send(
                            HttpMethod.PUT,
                            "/api/workflows/" + historyOf,
                            new JsonObject().put("status", "running").put("current_step", "step " + i)));
        }
        for (int b = 0; b < 3; b++) {
            JsonArray batch = new JsonArray();
            for (int i = 0; i < 20; i++) {
                batch.add(new JsonObject()
                        .put("id", "page-" + b + "-" + i)
                        .put("url", "https://pages.example/" + (i % 2 == 0 ? "even" : "odd")));
            }
            post(201, "/api/articles", new JsonObject().put("articles", batch));
        }
        JsonArray given = new JsonArray();
        for (int i = 0; i < 10; i++) {
            given.add(new JsonObject()
                    .put("id", "page-given-" + i)
                    .put("url", "https://pages.example/even")
                    .put("created_at", "2020-01-01T00:00:00.000Z"));
        }
        post(201, "/api/articles", new JsonObject().put("articles", given));
        JsonArray alerts = new JsonArray();
        IntStream.range(0, 30)
                .forEach(i -> alerts.add(new JsonObject().put("title", "a" + i).put("message", "m")));
        post(201, "/api/alerts", new JsonObject().put("alerts", alerts));
        SqliteFiles.execute(
                server.workflowDb(),
                "INSERT INTO articles (id, url, created_at) VALUES"
                        + " ('legacy-1', 'https://pages.example/even', NULL), ('legacy-2', 'https://pages.example/odd', NULL),"
                        + " ('legacy-3', 'https://pages.example/even', NULL), ('legacy-4', 'https://pages.example/even', NULL)",
                "INSERT INTO alerts (title, created_at) VALUES ('legacy', NULL), ('legacy', NULL), ('legacy', NULL)");
        for (int i = 0; i < 25; i++) {
            post(
                    201,
                    "/api/agents/agent-" + (char) ('a' + i) + "/versions",
                    new JsonObject().put("version", "1").put("code", "x"));
        }
        for (int i = 0; i < 23; i++) {
            post(
                    201,
                    "/api/agents/many/versions",
                    new JsonObject().put("version", "v" + i).put("code", "print(" + i + ")"));
        }
    }

    static String join(String path, String query) {
        return path + (path.contains("?") ? "&" : "?") + query;
    }

    static List<Object> keys(JsonObject page, Listed l) {
        JsonArray rows = page.getJsonArray(l.field());
        assertEquals(rows.size(), page.getInteger("count"), page.encode());
        List<Object> keys = new ArrayList<>();
        rows.forEach(r -> keys.add(((JsonObject) r).getValue(l.key())));
        return keys;
    }

    /** Every row of the list, page after page by token. */
    static List<Object> byToken(Listed l, int limit, Runnable betweenPages) {
        List<Object> all = new ArrayList<>();
        String token = null;
        for (int pages = 0; pages < 1000; pages++) {
            String uri = join(l.path(), "limit=" + limit + (token == null ? "" : "&page_token=" + enc(token)));
            JsonObject page = Http.json(200, server.get(uri));
            List<Object> keys = keys(page, l);
            all.addAll(keys);
            token = page.getString("next_page_token");
            assertTrue(page.containsKey("next_page_token"), page.encode());
            if (token == null) {
                assertTrue(keys.size() <= limit);
                return all;
            }
            assertEquals(limit, keys.size(), "a page before the last is full");
            betweenPages.run();
        }
        throw new AssertionError("more than 1000 pages");
    }

    static List<Object> byOffset(Listed l, int limit, Runnable betweenPages) {
        List<Object> all = new ArrayList<>();
        for (int offset = 0; ; offset += limit) {
            JsonObject page = Http.json(200, server.get(join(l.path(), "limit=" + limit + "&offset=" + offset)));
            assertEquals(offset, page.getInteger("offset"));
            List<Object> keys = keys(page, l);
            all.addAll(keys);
            if (keys.size() < limit) {
                return all;
            }
            betweenPages.run();
        }
    }

    static List<Object> onePage(Listed l) {
        JsonObject page = Http.json(200, server.get(join(l.path(), "limit=1000")));
        assertNull(page.getValue("next_page_token"), "all rows fit one page");
        return keys(page, l);
    }

    @Test
    @DisplayName("on a quiet database, paging by token gives every list's rows in the order of offset paging")
    void tokenAgreesWithOffset() {
        for (Listed l : LISTS) {
            List<Object> all = onePage(l);
            assertTrue(all.size() >= 15, l.path() + " has rows to page: " + all.size());
            assertEquals(all.size(), new HashSet<>(all).size(), l.path());
            for (int limit : new int[] {1, 7, all.size(), all.size() + 1}) {
                assertEquals(all, byToken(l, limit, () -> {}), l.path() + " by token, limit " + limit);
                assertEquals(all, byOffset(l, limit, () -> {}), l.path() + " by offset, limit " + limit);
            }
        }
    }

    @Test
    @DisplayName("the rows without a time (a legacy file) come last, by token as by offset")
    void rowsWithoutTimeComeLast() {
        Listed articles = LISTS.get(3);
        List<Object> all = byToken(articles, 3, () -> {});
        assertEquals(List.of("legacy-4", "legacy-3", "legacy-1"), all.subList(all.size() - 3, all.size()));
        List<Object> alerts = byToken(LISTS.get(4), 2, () -> {});
        JsonObject last = Http.json(200, server.get("/api/alerts/" + alerts.get(alerts.size() - 1)));
        assertNull(last.getValue("created_at"), last.encode());
    }

    @Test
    @DisplayName("a workflow's history pages by limit and token, oldest first; without either it is all there")
    void historyPages() {
        Listed history = new Listed("/api/workflows/" + historyOf + "/history", "history", "id");
        JsonObject whole = Http.json(200, server.get(history.path()));
        assertFalse(whole.containsKey("next_page_token"), "the Python shape when no page is asked for");
        List<Object> all = keys(whole.put("count", whole.getJsonArray("history").size()), history);
        assertEquals(31, all.size());
        List<Object> paged = new ArrayList<>();
        String token = null;
        do {
            JsonObject page = Http.json(
                    200, server.get(history.path() + "?limit=4" + (token == null ? "" : "&page_token=" + enc(token))));
            page.getJsonArray("history").forEach(r -> paged.add(((JsonObject) r).getValue("id")));
            token = page.getString("next_page_token");
        } while (token != null);
        assertEquals(all, paged);
        JsonObject offset = Http.json(200, server.get(history.path() + "?limit=5&offset=30"));
        assertEquals(List.of(all.get(30)), keys(offset.put("count", 1), history));
        assertNull(offset.getValue("next_page_token"));
        Http.problem(404, server.get("/api/workflows/nope/history?limit=2"));
    }

    @Test
    @DisplayName("while rows are inserted between pages, a token never repeats or skips a row; an offset repeats")
    void insertsBetweenPages() {
        Listed workflows = LISTS.get(0);
        Listed articles = LISTS.get(2);
        Set<Object> before = new HashSet<>(onePage(workflows));
        Set<Object> articlesBefore = new HashSet<>(onePage(articles));
        int[] n = {0};
        Runnable insert = () -> {
            for (int i = 0; i < 3; i++) {
                Http.json(
                        201,
                        server.send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", "late")));
            }
            n[0]++;
            // an article older than every row (it sorts behind the cursor) and one newer than all
            post(
                    201,
                    "/api/articles",
                    new JsonObject()
                            .put(
                                    "articles",
                                    new JsonArray()
                                            .add(new JsonObject()
                                                    .put("id", "late-old-" + n[0])
                                                    .put("url", "https://late.example")
                                                    .put("created_at", "2001-01-01T00:00:00.000Z"))
                                            .add(new JsonObject()
                                                    .put("id", "late-new-" + n[0])
                                                    .put("url", "https://late.example"))));
        };
        List<Object> seen = byToken(workflows, 10, insert);
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no workflow twice");
        assertTrue(new HashSet<>(seen).containsAll(before), "every workflow that was there is on a page");
        List<Object> seenArticles = byToken(articles, 10, insert);
        assertEquals(seenArticles.size(), new HashSet<>(seenArticles).size(), "no article twice");
        assertTrue(new HashSet<>(seenArticles).containsAll(articlesBefore));
        assertTrue(seenArticles.contains("late-old-" + (n[0] - 1)), "a row inserted behind the cursor is read");

        List<Object> byOffset = byOffset(workflows, 10, insert);
        assertTrue(byOffset.size() > new HashSet<>(byOffset).size(), "offset paging repeats rows under inserts");
    }

    @Test
    @DisplayName("a token that is not one, of another list or filter, or with offset is a 400 and over the bus too")
    void badTokens() {
        String workflowsToken =
                Http.json(200, server.get("/api/workflows?limit=1")).getString("next_page_token");
        String runningToken = Http.json(200, server.get("/api/workflows?status=running&limit=1"))
                .getString("next_page_token");
        assertNotNull(workflowsToken);
        assertTrue(
                Http.problem(400, server.get("/api/workflows?page_token=abc")).contains("page_token"));
        Http.problem(400, server.get("/api/workflows?page_token="));
        Http.problem(400, server.get("/api/workflows?page_token=" + enc("W10")));
        assertTrue(Http.problem(400, server.get("/api/articles?page_token=" + enc(workflowsToken)))
                .contains("another list"));
        Http.problem(400, server.get("/api/workflows?status=running&page_token=" + enc(workflowsToken)));
        Http.problem(400, server.get("/api/workflows?status=failed&page_token=" + enc(runningToken)));
        Http.json(200, server.get("/api/workflows?status=running&page_token=" + enc(runningToken)));
        assertTrue(Http.problem(400, server.get("/api/workflows?offset=1&page_token=" + enc(workflowsToken)))
                .contains("not both"));

        ReplyException e = assertFailsOnBus(server.store.listWorkflows(new JsonObject().put("page_token", 5)));
        assertEquals(Failures.BAD_REQUEST, e.failureCode());
        assertEquals(
                Failures.BAD_REQUEST,
                assertFailsOnBus(server.store.listWorkflows(new JsonObject().put("page_token", "x".repeat(9000))))
                        .failureCode());
        JsonObject overBus = await(server.store.listWorkflows(
                new JsonObject().put("page_token", workflowsToken).put("limit", 1)));
        assertEquals(
                Http.json(200, server.get("/api/workflows?limit=1&page_token=" + enc(workflowsToken))),
                overBus,
                "the bus and HTTP answer one page alike");
    }

    static ReplyException assertFailsOnBus(Future<?> f) {
        try {
            await(f);
        } catch (RuntimeException e) {
            Throwable c = e;
            while (c != null && !(c instanceof ReplyException)) {
                c = c.getCause();
            }
            if (c != null) {
                return (ReplyException) c;
            }
            throw e;
        }
        throw new AssertionError("the bus call succeeded");
    }
}
