package dev.agentstore.http;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Addresses;
import dev.agentstore.bus.WriteOptions;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.Http;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.Sse;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The change feed: over the bus, a page, a long poll and server-sent events; a workflow's watch")
@RealServer
class ChangeFeedTest {
    static TestServer server;

    static long latest() {
        Long l = Http.json(200, server.get("/api/changes?limit=1")).getLong("latest");
        return l == null ? 0 : l;
    }

    static JsonObject post(String uri, JsonObject body) {
        return server.send(io.vertx.core.http.HttpMethod.POST, uri, body).bodyAsJsonObject();
    }

    static JsonObject put(String uri, JsonObject body) {
        return server.send(io.vertx.core.http.HttpMethod.PUT, uri, body).bodyAsJsonObject();
    }

    /** Every kind of write once (and writes that change nothing); returns the changes they make, as entity:kind. */
    /** Names the rows of one call of {@link #everyWriteKind}: each call writes new ones. */
    static String run = "r0";

    static List<String> everyWriteKind() {
        run = "r" + (Integer.parseInt(run.substring(1)) + 1);
        List<String> expected = new ArrayList<>();
        String wf = post("/api/workflows", new JsonObject().put("workflow_name", "feed"))
                .getString("id");
        expected.add("workflow:created");
        put("/api/workflows/" + wf, new JsonObject().put("status", "running"));
        expected.add("workflow:updated");
        HttpResponse<Buffer> patched = await(server.http
                .patch("/api/workflows/" + wf)
                .putHeader("Content-Type", "application/merge-patch+json")
                .sendBuffer(Buffer.buffer("{\"current_step\":\"two\"}")));
        assertEquals(200, patched.statusCode(), patched.bodyAsString());
        expected.add("workflow:updated");
        // no change: an unknown workflow, a disallowed move, an empty patch, a key's replay
        assertEquals(
                404,
                server.send(
                                io.vertx.core.http.HttpMethod.PUT,
                                "/api/workflows/nope",
                                new JsonObject().put("status", "running"))
                        .statusCode());
        assertEquals(
                409,
                server.send(
                                io.vertx.core.http.HttpMethod.PUT,
                                "/api/workflows/" + wf,
                                new JsonObject().put("status", "pending"))
                        .statusCode());
        await(server.store.createWorkflow(
                new JsonObject().put("workflow_name", "keyed"), WriteOptions.key("key-" + run)));
        expected.add("workflow:created");
        await(server.store.createWorkflow(
                new JsonObject().put("workflow_name", "keyed"), WriteOptions.key("key-" + run)));
        post("/api/articles", new JsonObject().put("id", run + "-a1").put("url", "https://a.example/1"));
        expected.add("article:inserted");
        post("/api/articles", new JsonObject().put("id", run + "-a1").put("url", "https://a.example/1")); // ignored
        post(
                "/api/articles",
                new JsonObject()
                        .put(
                                "articles",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("id", run + "-a2")
                                                .put("url", "https://a.example/2"))
                                        .add(new JsonObject()
                                                .put("id", run + "-a1")
                                                .put("url", "https://a.example/1"))
                                        .add(new JsonObject()
                                                .put("id", run + "-a3")
                                                .put("url", "https://a.example/3"))));
        expected.add("article:inserted");
        expected.add("article:inserted");
        post("/api/alerts", new JsonObject().put("title", "one"));
        expected.add("alert:created");
        post(
                "/api/alerts",
                new JsonObject()
                        .put(
                                "alerts",
                                new JsonArray()
                                        .add(new JsonObject().put("title", "two"))
                                        .add(new JsonObject().put("title", "three"))));
        expected.add("alert:created");
        expected.add("alert:created");
        post(
                "/api/agents/feeder-" + run + "/versions",
                new JsonObject().put("version", "1").put("code", "print(1)"));
        expected.add("agent_version:created");
        put("/api/agents/feeder-" + run + "/versions/1", new JsonObject().put("is_active", false));
        expected.add("agent_version:deactivated");
        put("/api/agents/feeder-" + run + "/versions/1", new JsonObject().put("is_active", true));
        expected.add("agent_version:activated");
        put("/api/workflows/" + wf, new JsonObject().put("status", "completed"));
        expected.add("workflow:updated");
        return expected;
    }

    static List<String> kinds(List<JsonObject> changes) {
        return changes.stream()
                .map(c -> c.getString("entity") + ":" + c.getString("kind"))
                .toList();
    }

    static void assertNoGap(long after, List<JsonObject> changes) {
        for (int i = 0; i < changes.size(); i++) {
            assertEquals(after + 1 + i, changes.get(i).getLong("seq"), "seq " + i + " of " + changes);
        }
    }

    @Test
    @DisplayName("every kind of write is in the feed once, in commit order, with no gap: bus, page, long poll, SSE")
    void everyWriteOnceInOrder() throws Exception {
        long start = latest();
        List<JsonObject> published = new CopyOnWriteArrayList<>();
        MessageConsumer<JsonObject> consumer =
                server.vertx.eventBus().consumer(Addresses.CHANGES, m -> published.add(m.body()));
        await(consumer.completion());
        Sse stream = await(Sse.open(server.vertx, server.started.port(), "/api/changes/stream?after=" + start));
        assertEquals(200, stream.status);
        assertTrue(stream.headers.get("Content-Type").startsWith("text/event-stream"));
        Future<HttpResponse<Buffer>> poll =
                server.http.get("/api/changes?wait=20&after=" + start).send();

        List<String> expected = everyWriteKind();

        Eventually.await("the bus saw every change", Duration.ofSeconds(10), () -> published.size() >= expected.size());
        assertEquals(expected, kinds(published));
        assertNoGap(start, published);

        JsonObject page = Http.json(200, server.get("/api/changes?limit=1000&after=" + start));
        List<JsonObject> listed =
                page.getJsonArray("changes").stream().map(o -> (JsonObject) o).toList();
        assertEquals(published, listed, "the table holds what was published");
        assertEquals(start + expected.size(), page.getLong("next"));

        JsonObject polled = Http.json(200, await(poll));
        assertTrue(polled.getInteger("count") >= 1, polled.encode());
        assertEquals(start + 1, polled.getJsonArray("changes").getJsonObject(0).getLong("seq"));

        Eventually.await(
                "the stream saw every change",
                Duration.ofSeconds(10),
                () -> stream.of("change").size() >= expected.size());
        List<JsonObject> streamed =
                stream.of("change").stream().map(Sse.Event::data).toList();
        assertEquals(published, streamed);
        for (Sse.Event e : stream.of("change")) {
            assertEquals(e.data().getLong("seq").toString(), e.id());
        }
        // a workflow's change holds the workflow as it is after it and the history row it appended
        JsonObject done = published.get(published.size() - 1);
        assertEquals("completed", done.getJsonObject("data").getString("status"));
        assertEquals("Updated to completed", done.getJsonObject("history").getString("message"));
        await(consumer.unregister());
        stream.close();
    }

    @Test
    @DisplayName("a page: after, limit and entity; next is the cursor of the next call; the bus action the same")
    void pages() {
        long start = latest();
        everyWriteKind();
        JsonObject first = Http.json(200, server.get("/api/changes?limit=3&after=" + start));
        assertEquals(3, first.getInteger("count"));
        JsonObject second = Http.json(200, server.get("/api/changes?limit=3&after=" + first.getLong("next")));
        assertEquals(
                first.getLong("next") + 1,
                second.getJsonArray("changes").getJsonObject(0).getLong("seq"));
        JsonObject alerts = Http.json(200, server.get("/api/changes?entity=alert&after=" + start));
        assertEquals(3, alerts.getInteger("count"));
        alerts.getJsonArray("changes").forEach(c -> assertEquals("alert", ((JsonObject) c).getString("entity")));
        JsonObject bus = await(
                server.store.listChanges(new JsonObject().put("after", start).put("entity", "alert")));
        assertEquals(alerts, bus);
        JsonObject empty = Http.json(200, server.get("/api/changes?after=" + latest()));
        assertEquals(0, empty.getInteger("count"));
        assertEquals(latest(), empty.getLong("next"));
    }

    @Test
    @DisplayName("bad cursors, limits, waits, entities and Last-Event-IDs are 400 and change nothing")
    void badInput() {
        for (String q : List.of(
                "after=-1",
                "limit=0",
                "limit=1001",
                "wait=31",
                "wait=-1",
                "entity=nope",
                "database=nope",
                "after=x",
                "offset=1")) {
            Http.problem(400, server.get("/api/changes?" + q));
        }
        Http.problem(400, server.get("/api/changes/stream?entity=nope"));
        HttpResponse<Buffer> r = await(server.http
                .get("/api/changes/stream")
                .putHeader("Last-Event-ID", "abc")
                .send());
        Http.problem(400, r);
        HttpResponse<Buffer> w = await(server.http
                .get("/api/workflows/x/watch")
                .putHeader("Last-Event-ID", "-3")
                .send());
        Http.problem(400, w);
    }

    @Test
    @DisplayName("a long poll with nothing new answers an empty page after its wait")
    void longPollTimesOut() {
        long start = latest();
        JsonObject r = Http.json(200, server.get("/api/changes?wait=1&after=" + start));
        assertEquals(0, r.getInteger("count"));
        assertEquals(start, r.getLong("next"));
    }

    @Test
    @DisplayName("a cursor older than the oldest change held is 410 naming the oldest, on a page and on a stream")
    void goneCursor() {
        everyWriteKind();
        long latest = latest();
        // what the purge (retention.changes_s) leaves: the oldest changes gone, the newest always kept
        SqliteFiles.execute(server.workflowDb(), "DELETE FROM changes WHERE seq <= 5");
        String detail = Http.problem(410, server.get("/api/changes?after=2"));
        assertTrue(detail.contains("the oldest held is 6"), detail);
        JsonObject fromOldest = Http.json(200, server.get("/api/changes?after=5"));
        assertEquals(6, fromOldest.getJsonArray("changes").getJsonObject(0).getLong("seq"));
        JsonObject noCursor = Http.json(200, server.get("/api/changes"));
        assertEquals(6, noCursor.getLong("oldest"));
        assertEquals(latest, noCursor.getLong("latest"));
        HttpResponse<Buffer> r = await(server.http
                .get("/api/changes/stream")
                .putHeader("Last-Event-ID", "1")
                .send());
        Http.problem(410, r);
    }

    @Test
    @DisplayName("a stream resumed with Last-Event-ID gets the changes after it, and only those of its entity")
    void resumeStream() {
        long start = latest();
        everyWriteKind();
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("Last-Event-ID", Long.toString(start + 2));
        Sse resumed = await(Sse.open(
                server.vertx.createHttpClient(), server.started.port(), "/api/changes/stream?entity=article", h));
        Eventually.await(
                "three articles",
                Duration.ofSeconds(10),
                () -> resumed.of("change").size() >= 3);
        post("/api/articles", new JsonObject().put("id", "feed-a9").put("url", "https://a.example/9"));
        post("/api/alerts", new JsonObject().put("title", "not an article"));
        post("/api/articles", new JsonObject().put("id", "feed-a10").put("url", "https://a.example/10"));
        Eventually.await(
                "two live articles",
                Duration.ofSeconds(10),
                () -> resumed.of("change").size() >= 5);
        List<String> ids =
                resumed.of("change").stream().map(e -> e.data().getString("id")).toList();
        assertEquals(List.of(run + "-a1", run + "-a2", run + "-a3", "feed-a9", "feed-a10"), ids);
        resumed.close();
    }

    @Test
    @DisplayName("watch: the workflow and its history, then each change, ending at a final status; resumable; 404")
    void watch() {
        String id = post("/api/workflows", new JsonObject().put("workflow_name", "watched"))
                .getString("id");
        put("/api/workflows/" + id, new JsonObject().put("status", "running").put("current_step", "a"));
        Sse watch = await(Sse.open(server.vertx, server.started.port(), "/api/workflows/" + id + "/watch"));
        assertEquals(200, watch.status);
        Eventually.await(
                "the first state",
                Duration.ofSeconds(10),
                () -> watch.of("workflow").size() >= 1);
        put("/api/workflows/" + id, new JsonObject().put("current_step", "b"));
        post("/api/workflows", new JsonObject().put("workflow_name", "another")); // not this one
        put("/api/workflows/" + id, new JsonObject().put("status", "failed").put("error_message", "boom"));
        await(watch.ended());
        List<String> messages = watch.of("history").stream()
                .map(e -> e.data().getString("message"))
                .toList();
        assertEquals(List.of("Workflow created", "Updated to running", "State updated", "boom"), messages);
        List<Sse.Event> states = watch.of("workflow");
        assertEquals("failed", states.get(states.size() - 1).data().getString("status"));
        assertEquals(
                List.of(2L, 3L, 4L),
                states.stream().map(e -> e.data().getLong("version")).toList());
        // history ids are the event ids: a reconnect gets the state and the rows after the last one it saw
        String second = watch.of("history").get(1).id();
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("Last-Event-ID", second);
        Sse again = await(
                Sse.open(server.vertx.createHttpClient(), server.started.port(), "/api/workflows/" + id + "/watch", h));
        await(again.ended());
        assertEquals(
                List.of("State updated", "boom"),
                again.of("history").stream()
                        .map(e -> e.data().getString("message"))
                        .toList());
        assertEquals(1, again.of("workflow").size());
        Http.problem(404, server.get("/api/workflows/nope/watch"));
        assertFalse(watch.of("workflow").isEmpty());
    }
}
