package dev.agentstore.store;

import static dev.agentstore.support.SqliteFiles.connect;
import static dev.agentstore.support.SqliteFiles.number;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Answer;
import dev.agentstore.bus.Failures;
import dev.agentstore.bus.StoreClient;
import dev.agentstore.bus.WriteOptions;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.RealServer.Lifecycle;
import dev.agentstore.support.TestServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The single writer: transactions, group commit, back-pressure")
@RealServer(lifecycle = Lifecycle.PER_METHOD)
class WriterTest {
    /** Sends {@code n} requests in order from one event-loop context, then asks for the store's stats. */
    static List<Future<JsonObject>> burst(
            TestServer server, int n, Function<Integer, Future<JsonObject>> request, Promise<JsonObject> statsAfter) {
        List<Future<JsonObject>> replies = new ArrayList<>();
        Context ctx = server.vertx.getOrCreateContext();
        Promise<Void> sent = Promise.promise();
        ctx.runOnContext(v -> {
            for (int i = 0; i < n; i++) {
                replies.add(request.apply(i));
            }
            server.store.stats().onComplete(statsAfter);
            sent.complete();
        });
        await(sent.future());
        return replies;
    }

    @Test
    @DisplayName(
            "after a transaction, the next statements are committed and visible from other connections, and no lock is left held")
    void committedWritesAreVisibleAndNoLockIsHeld(TestServer server) throws Exception {
        for (int i = 0; i < 20; i++) {
            String id = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "v" + i)))
                    .getString("id");
            // read-your-write through the pooled readers: a reader left inside a transaction would see a stale
            // snapshot
            assertEquals(id, await(server.store.getWorkflow(id)).getString("id"));
            await(server.store.updateWorkflow(id, new JsonObject().put("status", "running")));
            assertEquals("running", await(server.store.getWorkflow(id)).getString("status"));
        }
        assertEquals(20, number(server.workflowDb(), "SELECT count(*) FROM workflow_states"));
        assertEquals(40, number(server.workflowDb(), "SELECT count(*) FROM workflow_history"));
        try (Connection other = connect(server.workflowDb());
                Statement s = other.createStatement()) {
            s.execute("PRAGMA busy_timeout = 0");
            s.execute("BEGIN IMMEDIATE"); // fails with SQLITE_BUSY at once if the writer kept a transaction open
            s.execute("ROLLBACK");
        }
    }

    @Test
    @DisplayName("requests that wait are committed together, and one that fails is rolled back alone")
    void groupCommitIsolatesAFailingRequest(TestServer server) throws Exception {
        String done = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "done")))
                .getString("id");
        await(server.store.updateWorkflow(done, new JsonObject().put("status", "completed")));
        long transactionsBefore = writerStats(server).getLong("transactions");
        Promise<JsonObject> stats = Promise.promise();
        List<Future<JsonObject>> replies;
        try (Connection locker = connect(server.workflowDb());
                Statement s = locker.createStatement()) {
            s.execute("BEGIN IMMEDIATE"); // holds the write lock: requests pile up behind the writer
            replies = burst(
                    server,
                    41,
                    i -> i == 20
                            ? server.store.updateWorkflow(done, new JsonObject().put("status", "running"))
                            : server.store.createWorkflow(new JsonObject().put("workflow_name", "batch-" + i)),
                    stats);
            JsonObject writer = await(stats.future())
                    .getJsonObject("databases")
                    .getJsonObject("workflow")
                    .getJsonObject("writer");
            assertEquals(41, writer.getInteger("pending"), writer.encode());
            s.execute("ROLLBACK");
        }
        await(Future.join(replies).transform(ar -> Future.succeededFuture())); // all settled
        for (int i = 0; i < replies.size(); i++) {
            if (i == 20) {
                assertEquals(Failures.CONFLICT, ((ReplyException) replies.get(i).cause()).failureCode());
            } else {
                assertTrue(
                        replies.get(i).succeeded(),
                        "request " + i + ": " + replies.get(i).cause());
            }
        }
        assertEquals(41, number(server.workflowDb(), "SELECT count(*) FROM workflow_states"));
        assertEquals(
                2,
                number(
                        server.workflowDb(),
                        "SELECT count(*) FROM workflow_history WHERE workflow_id = '" + done + "'"));
        assertEquals("completed", await(server.store.getWorkflow(done)).getString("status"));
        // The batch the writer took before it blocked on the lock, then everything that piled up meanwhile.
        JsonObject writer = writerStats(server);
        assertTrue(writer.getLong("transactions") - transactionsBefore <= 2, writer.encode());
    }

    @Test
    @DisplayName(
            "the changes of a group commit get consecutive seqs in request order, also when a request that inserted the"
                    + " rows of the ones before it fails and is rolled back")
    void changesOfAGroupCommitSurviveARolledBackFlush(TestServer server) throws Exception {
        // An alert rule inserts the batch's change rows so far to learn its seq (Changes.recordNow), then stores
        // it in its own row: poisoned there, its savepoint takes those rows with it, and COMMIT must insert them.
        try (Connection c = connect(server.workflowDb());
                Statement s = c.createStatement()) {
            s.execute("CREATE TRIGGER poison_rule BEFORE UPDATE ON alert_rules WHEN NEW.name = 'poison'"
                    + " BEGIN SELECT RAISE(ABORT, 'poisoned rule'); END");
        }
        Long latest = await(server.store.listChanges(new JsonObject())).getLong("latest");
        long before = latest == null ? 0 : latest;
        Promise<JsonObject> stats = Promise.promise();
        List<Future<JsonObject>> replies;
        try (Connection locker = connect(server.workflowDb());
                Statement s = locker.createStatement()) {
            s.execute("BEGIN IMMEDIATE"); // requests pile up behind the writer: one batch
            replies = burst(
                    server,
                    41,
                    i -> switch (i) {
                        case 20 ->
                            server.store
                                    .createAlertRule(
                                            new JsonObject()
                                                    .put("name", "poison")
                                                    .put("keywords", List.of("x")),
                                            WriteOptions.NONE)
                                    .map(Answer::body);
                        case 30 ->
                            server.store
                                    .createAlertRule(
                                            new JsonObject().put("name", "kept").put("keywords", List.of("x")),
                                            WriteOptions.NONE)
                                    .map(Answer::body);
                        default -> server.store.createWorkflow(new JsonObject().put("workflow_name", "seq-" + i));
                    },
                    stats);
            await(stats.future());
            s.execute("ROLLBACK");
        }
        await(Future.join(replies).transform(ar -> Future.succeededFuture())); // all settled
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < replies.size(); i++) {
            if (i == 20) {
                assertTrue(replies.get(i).failed(), "the poisoned rule was acknowledged");
            } else {
                assertTrue(
                        replies.get(i).succeeded(),
                        "request " + i + ": " + replies.get(i).cause());
                expected.add(replies.get(i).result().getValue("id").toString());
            }
        }
        JsonObject feed = await(server.store.listChanges(new JsonObject().put("after", before)));
        List<String> ids = new ArrayList<>();
        long seq = before;
        for (Object o : feed.getJsonArray("changes")) {
            JsonObject change = (JsonObject) o;
            assertEquals(++seq, change.getLong("seq"), "a gap or a repeat in the feed: " + feed.encode());
            ids.add(change.getString("id"));
            if (change.getString("entity").equals(Changes.ALERT_RULE)) {
                assertEquals(
                        replies.get(30).result().getLong("created_seq"),
                        change.getLong("seq"),
                        "the rule's created_seq is its change's seq");
            }
        }
        assertEquals(expected, ids, "the feed holds each acknowledged write once, in the order they were sent");
        assertEquals(0, number(server.workflowDb(), "SELECT count(*) FROM alert_rules WHERE name = 'poison'"));
    }

    @Test
    @DisplayName("a write whose client timed out while it waited for the writer is never written")
    // request_timeout_ms 3000: a write still queued after 1500 ms is dropped; the client below gives up at 2000.
    @RealServer(config = "{http: {request_timeout_ms: 3000}, database: {workflow: {pool_timeout: 1}}}")
    void timedOutWriteIsNeverWritten(TestServer server) throws Exception {
        StoreClient impatient = new StoreClient(server.vertx, 2000);
        List<Future<JsonObject>> replies;
        try (Connection locker = connect(server.workflowDb());
                Statement s = locker.createStatement()) {
            s.execute("BEGIN IMMEDIATE"); // the writer waits for the lock (up to 10 s) past every deadline
            replies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                replies.add(impatient.createWorkflow(new JsonObject().put("workflow_name", "late-" + i)));
            }
            await(Future.join(replies).transform(ar -> Future.succeededFuture())); // all timed out
            s.execute("ROLLBACK");
        }
        for (Future<JsonObject> r : replies) {
            assertEquals(ReplyFailure.TIMEOUT, ((ReplyException) r.cause()).failureType());
        }
        Eventually.await(
                "the writer has answered the late batch",
                Duration.ofSeconds(15),
                () -> writerStats(server).getInteger("pending") == 0);
        assertEquals(0, number(server.workflowDb(), "SELECT count(*) FROM workflow_states"));
        assertEquals(5, writerStats(server).getLong("requests_failed"));
    }

    static JsonObject writerStats(TestServer server) {
        return await(server.store.stats())
                .getJsonObject("databases")
                .getJsonObject("workflow")
                .getJsonObject("writer");
    }

    @Test
    @DisplayName("a full write queue answers 503 at once; every acknowledged write is stored, no refused one is")
    // At most writer_queue_capacity requests wait, plus writer_batch_max in the transaction being written.
    @RealServer(config = "database: {workflow: {writer_queue_capacity: 2, writer_batch_max: 1}}")
    void fullQueueRefusesWithoutLosingAcknowledgedWrites(TestServer server) throws Exception {
        Promise<JsonObject> stats = Promise.promise();
        List<Future<JsonObject>> replies;
        try (Connection locker = connect(server.workflowDb());
                Statement s = locker.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            replies = burst(
                    server,
                    10,
                    i -> server.store.createWorkflow(new JsonObject().put("workflow_name", "q-" + i)),
                    stats);
            await(stats.future());
            s.execute("ROLLBACK");
        }
        await(Future.join(replies).transform(ar -> Future.succeededFuture())); // all settled
        int ok = 0;
        int refused = 0;
        for (Future<JsonObject> r : replies) {
            if (r.succeeded()) {
                ok++;
                assertEquals(
                        1,
                        number(
                                server.workflowDb(),
                                "SELECT count(*) FROM workflow_states WHERE id = '"
                                        + r.result().getString("id") + "'"));
            } else {
                assertEquals(Failures.UNAVAILABLE, ((ReplyException) r.cause()).failureCode());
                refused++;
            }
        }
        assertTrue(refused >= 7, "refused " + refused);
        assertEquals(ok, number(server.workflowDb(), "SELECT count(*) FROM workflow_states"));
        assertTrue(await(server.store.stats())
                        .getJsonObject("databases")
                        .getJsonObject("workflow")
                        .getJsonObject("writer")
                        .getLong("requests_rejected")
                >= 7);
    }
}
