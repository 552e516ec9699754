package dev.agentstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.support.Eventually;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The read pool: each key's effect, and its statistics")
class DatabasePoolTest {
    @TempDir
    Path dir;

    DatabaseConfig config(int size, int overflow, int timeoutS, int recycleS, int idleS, int leakS) {
        return new DatabaseConfig(
                "workflow",
                dir.resolve("pool.db"),
                size,
                overflow,
                timeoutS,
                recycleS,
                idleS,
                leakS,
                "FULL",
                64,
                100,
                100,
                60_000);
    }

    /** The outcome of one request: a reply body, or a failure code. */
    static final class Outcome implements Reply {
        final CompletableFuture<Object> result = new CompletableFuture<>();

        @Override
        public void ok(JsonObject body) {
            result.complete(body);
        }

        @Override
        public void fail(int code, String message) {
            result.complete(code);
        }

        Object get() throws Exception {
            return result.get(30, TimeUnit.SECONDS);
        }
    }

    static Object read(Database db) throws Exception {
        Outcome o = new Outcome();
        db.read(
                s -> {
                    try (var rs =
                            s.prepare("SELECT count(*) FROM workflow_states").executeQuery()) {
                        rs.next();
                        return new JsonObject().put("count", rs.getLong(1));
                    }
                },
                o);
        return o.get();
    }

    static JsonObject pool(Database db) {
        return db.stats().getJsonObject("pool");
    }

    @Test
    @DisplayName(
            "pool_size connections are opened at start and kept; max_overflow more open under load and close when idle")
    void keptAndOverflowConnections() throws Exception {
        try (Database db = Database.open(config(3, 2, 5, 3600, 1, 0))) {
            assertEquals(3, db.stats().getLong("connections_created"), "writer excluded: it has not written yet");
            assertEquals(3, pool(db).getInteger("idle"));
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                held.add(db.dataSource().getConnection());
            }
            assertEquals(5, pool(db).getInteger("active"));
            assertEquals(5, pool(db).getInteger("max_used"));
            assertEquals(5, db.stats().getLong("connections_created"));
            for (Connection c : held) {
                c.close();
            }
            assertEquals(5, db.stats().getLong("connections_released"));
            Eventually.await(
                    "the 2 overflow connections are closed after idle_timeout_s",
                    Duration.ofSeconds(15),
                    () -> pool(db).getInteger("idle") == 3 && pool(db).getLong("reaped") == 2);
            assertEquals(0, pool(db).getInteger("active"));
        }
    }

    @Test
    @DisplayName("a read that gets no connection within pool_timeout fails with 503, and succeeds once one is free")
    void exhaustedPoolFailsWith503AfterPoolTimeout() throws Exception {
        try (Database db = Database.open(config(1, 0, 1, 3600, 60, 0))) {
            Connection held = db.dataSource().getConnection();
            long t0 = System.nanoTime();
            assertEquals(Failures.UNAVAILABLE, read(db));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waitedMs >= 900, "waited " + waitedMs + " ms, pool_timeout is 1 s");
            assertEquals(1, pool(db).getInteger("active"));
            held.close();
            assertEquals(0L, ((JsonObject) read(db)).getLong("count"));
            assertTrue(db.stats().getLong("errors") >= 1);
        }
    }

    @Test
    @DisplayName("connections older than pool_recycle are replaced, and reads go on meanwhile")
    void connectionsAreRecycled() throws Exception {
        try (Database db = Database.open(config(2, 0, 5, 1, 60, 0))) {
            long created = db.stats().getLong("connections_created");
            Eventually.await("both connections replaced after pool_recycle", Duration.ofSeconds(15), () -> {
                try {
                    assertEquals(0L, ((JsonObject) read(db)).getLong("count"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return pool(db).getLong("destroyed") >= 2 && db.stats().getLong("connections_created") >= created + 2;
            });
            assertEquals(2, pool(db).getInteger("idle") + pool(db).getInteger("active"));
        }
    }

    @Test
    @DisplayName("a connection held past leak_threshold_s is counted and reported")
    void leakIsDetected() throws Exception {
        try (Database db = Database.open(config(1, 1, 5, 3600, 60, 1))) {
            try (Connection held = db.dataSource().getConnection()) {
                Eventually.await(
                        "the leak is detected", Duration.ofSeconds(15), () -> pool(db).getLong("leaks_detected") >= 1);
            }
        }
    }

    @Test
    @DisplayName("a read that takes long holds up neither other reads nor writes")
    void slowReadDoesNotBlockOthers() throws Exception {
        try (Database db = Database.open(config(2, 2, 5, 3600, 60, 0))) {
            CountDownLatch release = new CountDownLatch(1);
            Outcome slow = new Outcome();
            db.read(
                    s -> {
                        try (var rs = s.prepare("SELECT count(*) FROM workflow_states")
                                .executeQuery()) {
                            rs.next();
                            release.await(
                                    30, TimeUnit.SECONDS); // a slow list query, holding its connection and snapshot
                            return new JsonObject().put("slow", true);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    slow);
            for (int i = 0; i < 20; i++) {
                assertEquals(0L, ((JsonObject) read(db)).getLong("count"));
            }
            Outcome write = new Outcome();
            db.write(
                    s -> {
                        var ps = s.prepare("INSERT INTO alerts (title, created_at) VALUES ('w', ?)");
                        ps.setString(1, Timestamps.now());
                        s.update(ps);
                        return new JsonObject().put("written", true);
                    },
                    write);
            assertEquals(new JsonObject().put("written", true), write.get());
            assertTrue(!slow.result.isDone(), "the slow read was still running all along");
            release.countDown();
            assertEquals(new JsonObject().put("slow", true), slow.get());
        }
    }

    @Test
    @DisplayName(
            "reads that find every reader thread busy wait in a queue of reader_queue_capacity, not writer_queue_capacity; more get 503 at once")
    void readerQueueIsBoundedByReaderQueueCapacity() throws Exception {
        // One connection, so one reader thread; room for 3 waiting reads, and a write queue of 1 that must not matter.
        DatabaseConfig cfg =
                new DatabaseConfig("workflow", dir.resolve("pool.db"), 1, 0, 5, 3600, 60, 0, "FULL", 64, 1, 3, 30_000);
        try (Database db = Database.open(cfg)) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Outcome busy = new Outcome();
            db.read(
                    s -> {
                        running.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return new JsonObject().put("busy", true);
                    },
                    busy);
            assertTrue(running.await(30, TimeUnit.SECONDS), "the one reader thread is busy");
            List<Outcome> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Outcome o = new Outcome();
                db.read(s -> new JsonObject().put("waited", true), o);
                waiting.add(o);
            }
            Outcome refused = new Outcome();
            db.read(s -> new JsonObject().put("waited", true), refused);
            assertTrue(refused.result.isDone(), "refused at once, not after a timeout");
            assertEquals(Failures.UNAVAILABLE, refused.get());
            assertEquals(3, pool(db).getInteger("reader_queue_depth"));
            assertEquals(1, pool(db).getLong("reads_rejected"));
            for (Outcome o : waiting) {
                assertFalse(o.result.isDone(), "still waiting for the reader thread");
            }
            release.countDown();
            assertEquals(new JsonObject().put("busy", true), busy.get());
            for (Outcome o : waiting) {
                assertEquals(new JsonObject().put("waited", true), o.get());
            }
        }
    }

    @Test
    @DisplayName(
            "the writer survives an unexpected error in a request: that request gets 500, the next ones are written")
    void writerSurvivesAnError() throws Exception {
        try (Database db = Database.open(config(1, 0, 5, 3600, 60, 0))) {
            Outcome broken = new Outcome();
            db.write(
                    s -> {
                        throw new AssertionError("an Error escaping a request");
                    },
                    broken);
            assertEquals(Failures.INTERNAL, broken.get());
            Outcome next = new Outcome();
            db.write(
                    s -> {
                        var ps = s.prepare("INSERT INTO alerts (title, created_at) VALUES ('after', ?)");
                        ps.setString(1, Timestamps.now());
                        s.update(ps);
                        return new JsonObject().put("ok", true);
                    },
                    next);
            assertEquals(new JsonObject().put("ok", true), next.get());
            assertEquals(0, db.stats().getJsonObject("writer").getInteger("pending"));
        }
    }

    @Test
    @DisplayName("statistics move: acquisitions, releases, transactions and rows written")
    void statisticsMove() throws Exception {
        try (Database db = Database.open(config(2, 2, 5, 3600, 60, 0))) {
            for (int i = 0; i < 5; i++) {
                read(db);
            }
            Outcome w = new Outcome();
            db.write(
                    s -> {
                        var ps = s.prepare("INSERT INTO alerts (title, created_at) VALUES (?, ?)");
                        ps.setString(1, "t");
                        ps.setString(2, Timestamps.now());
                        s.update(ps);
                        return new JsonObject();
                    },
                    w);
            w.get();
            JsonObject stats = db.stats();
            assertEquals(5, stats.getLong("connections_acquired"));
            assertEquals(5, stats.getLong("connections_released"));
            assertEquals(1, stats.getJsonObject("writer").getLong("transactions"));
            assertEquals(1, stats.getJsonObject("writer").getLong("rows_written"));
            assertEquals(3, stats.getLong("connections_created"), "2 pooled + the writer's");
        }
    }
}
