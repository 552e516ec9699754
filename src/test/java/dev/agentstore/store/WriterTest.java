package dev.agentstore.store;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.bus.StoreClient;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.TestServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The single writer: transactions, group commit, back-pressure")
class WriterTest {
    @TempDir
    Path dir;

    static Connection plain(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
    }

    static long count(Path db, String sql) throws SQLException {
        try (Connection c = plain(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

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
    void committedWritesAreVisibleAndNoLockIsHeld() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            for (int i = 0; i < 20; i++) {
                String id = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "v" + i)))
                        .getString("id");
                // read-your-write through the pooled readers: a reader left inside a transaction would see a stale
                // snapshot
                assertEquals(id, await(server.store.getWorkflow(id)).getString("id"));
                await(server.store.updateWorkflow(id, new JsonObject().put("status", "running")));
                assertEquals("running", await(server.store.getWorkflow(id)).getString("status"));
            }
            assertEquals(20, count(server.workflowDb(), "SELECT count(*) FROM workflow_states"));
            assertEquals(40, count(server.workflowDb(), "SELECT count(*) FROM workflow_history"));
            try (Connection other = plain(server.workflowDb());
                    Statement s = other.createStatement()) {
                s.execute("PRAGMA busy_timeout = 0");
                s.execute("BEGIN IMMEDIATE"); // fails with SQLITE_BUSY at once if the writer kept a transaction open
                s.execute("ROLLBACK");
            }
        }
    }

    @Test
    @DisplayName("requests that wait are committed together, and one that fails is rolled back alone")
    void groupCommitIsolatesAFailingRequest() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            String done = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "done")))
                    .getString("id");
            await(server.store.updateWorkflow(done, new JsonObject().put("status", "completed")));
            long transactionsBefore = writerStats(server).getLong("transactions");
            Promise<JsonObject> stats = Promise.promise();
            List<Future<JsonObject>> replies;
            try (Connection locker = plain(server.workflowDb());
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
                    assertEquals(
                            Failures.CONFLICT, ((ReplyException) replies.get(i).cause()).failureCode());
                } else {
                    assertTrue(
                            replies.get(i).succeeded(),
                            "request " + i + ": " + replies.get(i).cause());
                }
            }
            assertEquals(41, count(server.workflowDb(), "SELECT count(*) FROM workflow_states"));
            assertEquals(
                    2,
                    count(
                            server.workflowDb(),
                            "SELECT count(*) FROM workflow_history WHERE workflow_id = '" + done + "'"));
            assertEquals("completed", await(server.store.getWorkflow(done)).getString("status"));
            // The batch the writer took before it blocked on the lock, then everything that piled up meanwhile.
            JsonObject writer = writerStats(server);
            assertTrue(writer.getLong("transactions") - transactionsBefore <= 2, writer.encode());
        }
    }

    @Test
    @DisplayName("a write whose client timed out while it waited for the writer is never written")
    void timedOutWriteIsNeverWritten() throws Exception {
        // request_timeout_ms 3000: a write still queued after 1500 ms is dropped; the client below gives up at 2000.
        JsonObject cfg = new JsonObject()
                .put("http", new JsonObject().put("request_timeout_ms", 3000))
                .put("database", new JsonObject().put("workflow", new JsonObject().put("pool_timeout", 1)));
        try (TestServer server = TestServer.start(dir, cfg)) {
            StoreClient impatient = new StoreClient(server.vertx, 2000);
            List<Future<JsonObject>> replies;
            try (Connection locker = plain(server.workflowDb());
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
            assertEquals(0, count(server.workflowDb(), "SELECT count(*) FROM workflow_states"));
            assertEquals(5, writerStats(server).getLong("requests_failed"));
        }
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
    void fullQueueRefusesWithoutLosingAcknowledgedWrites() throws Exception {
        JsonObject small = new JsonObject()
                .put(
                        "database",
                        new JsonObject()
                                .put(
                                        "workflow",
                                        new JsonObject()
                                                .put("writer_queue_capacity", 2)
                                                .put("writer_batch_max", 1)));
        try (TestServer server = TestServer.start(dir, small)) {
            Promise<JsonObject> stats = Promise.promise();
            List<Future<JsonObject>> replies;
            try (Connection locker = plain(server.workflowDb());
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
                            count(
                                    server.workflowDb(),
                                    "SELECT count(*) FROM workflow_states WHERE id = '"
                                            + r.result().getString("id") + "'"));
                } else {
                    assertEquals(Failures.UNAVAILABLE, ((ReplyException) r.cause()).failureCode());
                    refused++;
                }
            }
            assertTrue(refused >= 7, "refused " + refused);
            assertEquals(ok, count(server.workflowDb(), "SELECT count(*) FROM workflow_states"));
            assertTrue(await(server.store.stats())
                            .getJsonObject("databases")
                            .getJsonObject("workflow")
                            .getJsonObject("writer")
                            .getLong("requests_rejected")
                    >= 7);
        }
    }
}
