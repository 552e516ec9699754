package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Commit, rollback and atomicity, seen from outside: through the bus, and from other connections on
 * the same file. Failures inside a transaction come from triggers that the tests add to the file, as
 * the API itself cannot make a valid request fail half-way.
 */
@DisplayName("Transactions: commit, rollback, atomic batches, integrity across tables")
@RealServer
class TransactionTest {
    static final String POISON_URL = "https://poison.example/";
    static final String POISON_MESSAGE = "poison";

    static TestServer server;

    @BeforeAll
    static void poisonTriggers() {
        SqliteFiles.execute(
                server.workflowDb(),
                "CREATE TRIGGER poison_article BEFORE INSERT ON articles WHEN NEW.url = '" + POISON_URL + "'"
                        + " BEGIN SELECT RAISE(ABORT, 'poisoned article'); END",
                "CREATE TRIGGER poison_history BEFORE INSERT ON workflow_history WHEN NEW.message = '" + POISON_MESSAGE
                        + "'" + " BEGIN SELECT RAISE(ABORT, 'poisoned history'); END");
    }

    static long count(String sql, Object... params) {
        return SqliteFiles.number(server.workflowDb(), sql, params);
    }

    static JsonObject articles(String prefix, int n) {
        JsonArray items = new JsonArray();
        IntStream.range(0, n)
                .forEach(i ->
                        items.add(new JsonObject().put("id", prefix + i).put("url", "https://tx.example/" + prefix)));
        return new JsonObject().put("articles", items);
    }

    @Test
    @DisplayName("a reply means committed: the row is visible at once from another connection")
    void replyMeansCommitted() {
        for (int i = 0; i < 5; i++) {
            await(server.store.createArticle(
                    new JsonObject().put("id", "commit-" + i).put("url", "https://tx.example/commit")));
            assertEquals(i + 1, count("SELECT count(*) FROM articles WHERE url = ?", "https://tx.example/commit"));
        }
        String wf = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "commit")))
                .getString("id");
        await(server.store.updateWorkflow(wf, new JsonObject().put("status", "running")));
        assertEquals(
                "running",
                SqliteFiles.text(server.workflowDb(), "SELECT status FROM workflow_states WHERE id = ?", wf));
    }

    @Test
    @DisplayName(
            "a batch that fails half-way in the database is rolled back whole: the items before the failure are gone too")
    void failedBatchIsRolledBack() {
        JsonObject batch = articles("half-", 6);
        batch.getJsonArray("articles").getJsonObject(3).put("url", POISON_URL);
        String message = failsWith(Failures.BAD_REQUEST, server.store.createArticles(batch));
        assertTrue(message.contains("constraint"), message);
        assertEquals(0, count("SELECT count(*) FROM articles WHERE id LIKE 'half-%'"));
        failsWith(
                Failures.BAD_REQUEST,
                server.store.createArticle(new JsonObject().put("id", "alone").put("url", POISON_URL)));
        assertEquals(0, count("SELECT count(*) FROM articles WHERE id = 'alone'"));
    }

    @Test
    @DisplayName("a failing batch committed in one group with other writes takes only itself back; the others commit")
    void failedBatchInAGroupCommit() {
        List<Future<JsonObject>> good = new ArrayList<>();
        List<Future<JsonObject>> poisoned = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            good.add(server.store.createAlert(new JsonObject().put("title", "group-" + i)));
            if (i % 10 == 0) {
                JsonObject batch = articles("group-poisoned-" + i + "-", 5);
                batch.getJsonArray("articles").getJsonObject(4).put("url", POISON_URL);
                poisoned.add(server.store.createArticles(batch));
            }
            good.add(server.store.createArticles(articles("group-good-" + i + "-", 3)));
        }
        List<Future<JsonObject>> all = new ArrayList<>(good);
        all.addAll(poisoned);
        await(Future.join(all).otherwiseEmpty());
        good.forEach(f -> assertTrue(f.succeeded(), String.valueOf(f.cause())));
        poisoned.forEach(f -> assertTrue(f.failed()));
        assertEquals(40, count("SELECT count(*) FROM alerts WHERE title LIKE 'group-%'"));
        assertEquals(120, count("SELECT count(*) FROM articles WHERE id LIKE 'group-good-%'"));
        assertEquals(0, count("SELECT count(*) FROM articles WHERE id LIKE 'group-poisoned-%'"));
    }

    @Test
    @DisplayName("a workflow change whose history row fails changes neither table")
    void multiTableIntegrity() {
        JsonObject wf = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "two-tables")));
        String id = wf.getString("id");
        failsWith(
                Failures.BAD_REQUEST,
                server.store.updateWorkflow(
                        id, new JsonObject().put("status", "failed").put("error_message", POISON_MESSAGE)));
        assertEquals(wf, await(server.store.getWorkflow(id)));
        assertEquals(
                1,
                await(server.store.workflowHistory(id)).getJsonArray("history").size());
        JsonObject failed = await(server.store.updateWorkflow(
                id, new JsonObject().put("status", "failed").put("error_message", "real error")));
        assertEquals("real error", failed.getString("error_message"));
        assertEquals(
                2,
                await(server.store.workflowHistory(id)).getJsonArray("history").size());
    }

    @Test
    @DisplayName("after failed writes the file is consistent and the next writes succeed")
    void consistentAfterErrors() {
        String id = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "after-errors")))
                .getString("id");
        JsonObject version = new JsonObject()
                .put("agent_name", "after-errors")
                .put("version", "1")
                .put("code", "c");
        await(server.store.saveAgentVersion(version));
        for (int i = 0; i < 3; i++) {
            failsWith(
                    Failures.BAD_REQUEST,
                    server.store.updateWorkflow(id, new JsonObject().put("error_message", POISON_MESSAGE)));
            JsonObject batch = articles("consistent-" + i + "-", 4);
            batch.getJsonArray("articles").getJsonObject(1).put("url", POISON_URL);
            failsWith(Failures.BAD_REQUEST, server.store.createArticles(batch));
            failsWith(Failures.CONFLICT, server.store.saveAgentVersion(version));
        }
        assertEquals(
                3,
                await(server.store.createArticles(articles("consistent-ok-", 3)))
                        .getJsonArray("inserted")
                        .size());
        assertEquals(
                "running",
                await(server.store.updateWorkflow(id, new JsonObject().put("status", "running")))
                        .getString("status"));
        assertEquals("ok", SqliteFiles.text(server.workflowDb(), "PRAGMA integrity_check"));
        assertNull(SqliteFiles.text(server.workflowDb(), "PRAGMA foreign_key_check"));
        assertEquals(
                0,
                count("SELECT count(*) FROM workflow_states w WHERE NOT EXISTS"
                        + " (SELECT 1 FROM workflow_history h WHERE h.workflow_id = w.id)"));
        assertEquals(0, count("SELECT count(*) FROM articles WHERE url = ?", POISON_URL));
        assertEquals(1, count("SELECT count(*) FROM agent_versions WHERE agent_name = 'after-errors'"));
    }

    @Test
    @DisplayName("every state transition is recorded, in order, and a final status closes the workflow")
    void stateTransitionHistory() {
        String id = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "transitions")))
                .getString("id");
        String[][] steps = {{"running", "fetch"}, {"running", "parse"}, {"running", "store"}, {"completed", "done"}};
        for (String[] s : steps) {
            await(server.store.updateWorkflow(
                    id, new JsonObject().put("status", s[0]).put("current_step", s[1])));
        }
        JsonArray history = await(server.store.workflowHistory(id)).getJsonArray("history");
        assertEquals(5, history.size());
        assertEquals("pending", history.getJsonObject(0).getString("status"));
        for (int i = 0; i < steps.length; i++) {
            assertEquals(steps[i][0], history.getJsonObject(i + 1).getString("status"));
            assertEquals(steps[i][1], history.getJsonObject(i + 1).getString("step"));
        }
        assertNotNull(await(server.store.getWorkflow(id)).getString("completed_at"));
        failsWith(Failures.CONFLICT, server.store.updateWorkflow(id, new JsonObject().put("status", "running")));
        assertEquals(
                5,
                await(server.store.workflowHistory(id)).getJsonArray("history").size());
    }

    @Test
    @DisplayName("large values (10 KB to nearly 1 MiB) come back byte for byte")
    void largeData() {
        String content = "Ünïcødé ✓ ".repeat(30_000);
        await(server.store.createArticle(new JsonObject()
                .put("id", "large")
                .put("url", "https://tx.example/large")
                .put("content", content)));
        assertEquals(content, await(server.store.getArticle("large")).getString("content"));
        String code = "x = 1\n".repeat(170_000);
        await(server.store.saveAgentVersion(
                new JsonObject().put("agent_name", "large").put("version", "1").put("code", code)));
        assertEquals(code, await(server.store.latestAgentVersion("large")).getString("code"));
        JsonObject data = new JsonObject()
                .put(
                        "pages",
                        new JsonArray(IntStream.range(0, 2_000)
                                .mapToObj(i -> "page " + i)
                                .toList()));
        String id = await(server.store.createWorkflow(
                        new JsonObject().put("workflow_name", "large").put("initial_data", data)))
                .getString("id");
        assertTrue(data.encode().length() > 10_000);
        assertEquals(data, await(server.store.getWorkflow(id)).getJsonObject("data"));
        String message = "m".repeat(20_000);
        long alert = await(server.store.createAlert(
                        new JsonObject().put("title", "large").put("message", message)))
                .getLong("id");
        assertEquals(message, await(server.store.getAlert(alert)).getString("message"));
    }

    @Test
    @DisplayName("300 transactions one after another all commit")
    void manySequentialTransactions() {
        long transactions = await(server.store.stats())
                .getJsonObject("databases")
                .getJsonObject("workflow")
                .getJsonObject("writer")
                .getLong("transactions");
        for (int i = 0; i < 300; i++) {
            await(server.store.createArticle(
                    new JsonObject().put("id", "seq-" + i).put("url", "https://tx.example/seq")));
        }
        assertEquals(300, count("SELECT count(*) FROM articles WHERE url = ?", "https://tx.example/seq"));
        long after = await(server.store.stats())
                .getJsonObject("databases")
                .getJsonObject("workflow")
                .getJsonObject("writer")
                .getLong("transactions");
        assertTrue(after - transactions >= 300, "transactions: " + (after - transactions));
    }

    @Test
    @DisplayName("isolation: reads beside a batch see all of it or none of it, never a part")
    void readsNeverSeePartOfABatch() {
        JsonArray items = new JsonArray();
        IntStream.range(0, 1000)
                .forEach(i -> items.add(new JsonObject()
                        .put("url", "https://tx.example/isolated")
                        .put("content", "c" + i)));
        List<Future<JsonObject>> reads = new ArrayList<>();
        Future<JsonObject> batch = server.store.createArticles(new JsonObject().put("articles", items));
        for (int i = 0; i < 40; i++) {
            reads.add(server.store.listArticles(
                    new JsonObject().put("url", "https://tx.example/isolated").put("limit", 1000)));
        }
        await(batch);
        await(Future.all(reads));
        for (Future<JsonObject> r : reads) {
            int seen = r.result().getInteger("count");
            assertTrue(seen == 0 || seen == 1000, "a read saw " + seen + " of 1000 rows");
        }
    }
}
