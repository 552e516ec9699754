package dev.agentstore.store;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Many requests in flight at once on the bus: each succeeds, and every row it wrote is there. */
@DisplayName("Concurrent requests on the bus")
@RealServer
class ConcurrencyTest {
    static TestServer server;

    static long count(String sql, Object... params) {
        return SqliteFiles.number(server.workflowDb(), sql, params);
    }

    @Test
    @DisplayName("200 writes and 200 reads in flight together all succeed, and every written row is there")
    void readsBesideWrites() {
        await(server.store.createArticle(new JsonObject().put("id", "rw-seed").put("url", "https://rw.example/seed")));
        List<Future<JsonObject>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(server.store.createArticle(
                    new JsonObject().put("id", "rw-" + i).put("url", "https://rw.example/w")));
            all.add(
                    i % 2 == 0
                            ? server.store.getArticle("rw-seed")
                            : server.store.listArticles(new JsonObject()
                                    .put("url", "https://rw.example/w")
                                    .put("limit", 1000)));
        }
        await(Future.all(all));
        assertEquals(200, count("SELECT count(*) FROM articles WHERE url = 'https://rw.example/w'"));
        assertEquals(
                200,
                await(server.store.listArticles(new JsonObject()
                                .put("url", "https://rw.example/w")
                                .put("limit", 1000)))
                        .getInteger("count"));
    }

    @Test
    @DisplayName("50 concurrent changes to one workflow append 50 history rows, none lost")
    void concurrentHistoryAppends() {
        String id = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "appends")))
                .getString("id");
        await(Future.all(IntStream.range(0, 50)
                .mapToObj(i -> server.store.updateWorkflow(
                        id, new JsonObject().put("status", "running").put("current_step", "step-" + i)))
                .toList()));
        JsonArray history = await(server.store.workflowHistory(id)).getJsonArray("history");
        assertEquals(51, history.size());
        Set<String> steps = history.stream()
                .skip(1)
                .map(h -> ((JsonObject) h).getString("step"))
                .collect(Collectors.toSet());
        assertEquals(IntStream.range(0, 50).mapToObj(i -> "step-" + i).collect(Collectors.toSet()), steps);
        String last = history.getJsonObject(50).getString("step");
        assertEquals(last, await(server.store.getWorkflow(id)).getString("current_step"));
    }

    @Test
    @DisplayName("20 batches of 50 articles sent at once each insert all of theirs")
    void concurrentBatches() {
        List<Future<JsonObject>> batches = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            JsonArray items = new JsonArray();
            for (int i = 0; i < 50; i++) {
                items.add(new JsonObject().put("id", "cb-" + b + "-" + i).put("url", "https://batches.example/"));
            }
            batches.add(server.store.createArticles(new JsonObject().put("articles", items)));
        }
        await(Future.all(batches));
        Set<Object> inserted = new HashSet<>();
        batches.forEach(f -> {
            assertEquals(50, f.result().getJsonArray("inserted").size());
            inserted.addAll(f.result().getJsonArray("inserted").getList());
        });
        assertEquals(1000, inserted.size());
        assertEquals(1000, count("SELECT count(*) FROM articles WHERE url = 'https://batches.example/'"));
    }

    @Test
    @DisplayName("20 concurrent saves of one agent version: exactly one wins, the others get 409")
    void concurrentSavesOfOneVersion() {
        List<Future<JsonObject>> saves = IntStream.range(0, 20)
                .mapToObj(i -> server.store.saveAgentVersion(new JsonObject()
                        .put("agent_name", "raced")
                        .put("version", "1")
                        .put("code", "code " + i)))
                .toList();
        await(Future.join(saves).otherwiseEmpty());
        assertEquals(1, saves.stream().filter(Future::succeeded).count());
        assertTrue(saves.stream()
                .filter(Future::failed)
                .allMatch(f -> f.cause() instanceof ReplyException re && re.failureCode() == Failures.CONFLICT));
        assertEquals(1, count("SELECT count(*) FROM agent_versions WHERE agent_name = 'raced'"));
    }

    @Test
    @DisplayName("5 threads each drive a long-running workflow through 40 updates to completion")
    void longRunningWorkflowsFromFiveThreads() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(5);
        try {
            List<Callable<String>> runs = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                int thread = t;
                runs.add(() -> {
                    String id = await(server.store.createWorkflow(
                                    new JsonObject().put("workflow_name", "long-" + thread)))
                            .getString("id");
                    for (int i = 0; i < 40; i++) {
                        await(server.store.updateWorkflow(
                                id,
                                new JsonObject()
                                        .put("status", "running")
                                        .put("current_step", "step-" + i)
                                        .put("data", new JsonObject().put("progress", i))));
                    }
                    await(server.store.updateWorkflow(id, new JsonObject().put("status", "completed")));
                    return id;
                });
            }
            for (var run : threads.invokeAll(runs)) {
                String id = run.get();
                JsonObject wf = await(server.store.getWorkflow(id));
                assertEquals("completed", wf.getString("status"));
                assertEquals(39, wf.getJsonObject("data").getInteger("progress"));
                assertEquals(
                        42,
                        await(server.store.workflowHistory(id))
                                .getJsonArray("history")
                                .size());
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
