package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.store.migration.Migrations;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The database behind the bus: pool, health, statistics, files and rows")
@RealServer(
        config = "database: {workflow: {pool_size: " + DatabaseTest.POOL_SIZE + ", max_overflow: "
                + DatabaseTest.MAX_OVERFLOW + "}}")
class DatabaseTest {
    static final int POOL_SIZE = 4;
    static final int MAX_OVERFLOW = 4;

    static TestServer server;

    static JsonObject stats() {
        return await(server.store.stats()).getJsonObject("databases").getJsonObject("workflow");
    }

    static void reads(int n) {
        await(Future.all(IntStream.range(0, n)
                .mapToObj(i -> server.store.listArticles(new JsonObject()))
                .toList()));
    }

    @Nested
    @DisplayName("the read pool")
    class Pool {
        @Test
        @DisplayName("starts with its configured bounds and serves a read at once")
        void initializes() {
            assertTrue(await(server.store.listAlerts(new JsonObject())).containsKey("alerts"));
            JsonObject pool = stats().getJsonObject("pool");
            assertEquals(POOL_SIZE, pool.getInteger("size"));
            assertEquals(MAX_OVERFLOW, pool.getInteger("max_overflow"));
            assertTrue(stats().getLong("connections_created") >= 1);
        }

        @Test
        @DisplayName("lends a connection to each read and takes it back before the reply")
        void acquiresAndReleases() {
            // the health probe (another test of this class) gives its connection back within about a second
            Eventually.await(
                    "no connection held",
                    Duration.ofSeconds(10),
                    () -> stats().getJsonObject("pool").getInteger("active") == 0);
            JsonObject before = stats();
            for (int i = 0; i < 5; i++) {
                await(server.store.listAlerts(new JsonObject()));
            }
            JsonObject after = stats();
            assertTrue(after.getLong("connections_acquired") - before.getLong("connections_acquired") >= 5);
            assertEquals(
                    after.getLong("connections_acquired") - before.getLong("connections_acquired"),
                    after.getLong("connections_released") - before.getLong("connections_released"));
            assertEquals(
                    before.getJsonObject("pool").getInteger("active"),
                    after.getJsonObject("pool").getInteger("active"));
        }

        @Test
        @DisplayName("reuses its connections: 200 reads open no more than pool_size + max_overflow of them")
        void reusesConnections() {
            long acquired = stats().getLong("connections_acquired");
            for (int i = 0; i < 100; i++) {
                await(server.store.getArticle("nothing-" + i).otherwiseEmpty());
            }
            reads(100);
            JsonObject after = stats();
            assertTrue(after.getLong("connections_acquired") - acquired >= 200);
            long writerConnections = after.getJsonObject("writer").getLong("connections_opened");
            assertTrue(
                    after.getLong("connections_created") - writerConnections <= POOL_SIZE + MAX_OVERFLOW,
                    after.encode());
        }

        @Test
        @DisplayName("lends several connections at once when reads arrive together, and never more than its maximum")
        // A pool of one (no health probe holding a connection), so max_used >= 2 can only come from
        // reads that overlapped; the initial fill alone counts pool_size into max_used.
        @RealServer(config = "database: {workflow: {pool_size: 1, max_overflow: 7}}")
        void severalConnectionsAtOnce(TestServer one) {
            JsonArray items = new JsonArray();
            IntStream.range(0, 1000)
                    .forEach(i -> items.add(new JsonObject()
                            .put("url", "https://pool.example/" + i)
                            .put("content", "x".repeat(200))));
            await(one.store.createArticles(new JsonObject().put("articles", items)));
            await(Future.all(IntStream.range(0, 64)
                    .mapToObj(i -> one.store.listArticles(new JsonObject().put("limit", 1000)))
                    .toList()));
            JsonObject pool = await(one.store.stats())
                    .getJsonObject("databases")
                    .getJsonObject("workflow")
                    .getJsonObject("pool");
            assertTrue(pool.getInteger("max_used") >= 2, pool.encode());
            assertTrue(pool.getInteger("max_used") <= 8, pool.encode());
        }
    }

    @Nested
    @DisplayName("health and statistics")
    class Health {
        @Test
        @DisplayName("health reports the database healthy, with its path, schema version and pool statistics")
        void healthy() {
            JsonObject health = await(server.store.health());
            assertEquals("healthy", health.getString("status"));
            JsonObject db = health.getJsonObject("databases").getJsonObject("workflow");
            assertEquals("healthy", db.getString("status"));
            assertEquals(server.workflowDb().toAbsolutePath().toString(), db.getString("path"));
            assertEquals(Migrations.classpath().latest(), db.getInteger("schema_version"));
            assertTrue(db.getJsonObject("pool_stats").containsKey("connections_created"));
            assertEquals(200, server.get("/api/health/db").statusCode());
            assertEquals(200, server.get("/api/health/ready").statusCode());
        }

        @Test
        @DisplayName("statistics count the writer's transactions, rows and failed requests")
        void statistics() {
            JsonObject before = stats();
            JsonArray items = new JsonArray();
            IntStream.range(0, 10).forEach(i -> items.add(new JsonObject().put("title", "stat-" + i)));
            await(server.store.createAlerts(new JsonObject().put("alerts", items)));
            await(server.store.saveAgentVersion(new JsonObject()
                    .put("agent_name", "stats")
                    .put("version", "1")
                    .put("code", "c")));
            failsWith(
                    Failures.CONFLICT,
                    server.store.saveAgentVersion(new JsonObject()
                            .put("agent_name", "stats")
                            .put("version", "1")
                            .put("code", "c")));
            JsonObject after = stats();
            JsonObject w0 = before.getJsonObject("writer");
            JsonObject w1 = after.getJsonObject("writer");
            // 10 alerts and a version, each with its change (the feed, migration 0004)
            assertEquals(22, w1.getLong("rows_written") - w0.getLong("rows_written"));
            assertEquals(2, w1.getLong("requests_committed") - w0.getLong("requests_committed"));
            assertEquals(1, w1.getLong("requests_failed") - w0.getLong("requests_failed"));
            assertEquals(1, after.getLong("errors") - before.getLong("errors"));
            assertTrue(w1.getLong("transactions") > w0.getLong("transactions"));
        }
    }

    @Nested
    @DisplayName("files")
    class Files_ {
        @Test
        @DisplayName("the database file is in WAL mode")
        void walMode() {
            assertEquals("wal", SqliteFiles.text(server.workflowDb(), "PRAGMA journal_mode"));
        }

        @Test
        @DisplayName("a path that cannot be a file stops the start with a message that names it")
        void unusablePathStopsStart(@TempDir Path other) throws Exception {
            Path blocker = Files.writeString(other.resolve("not-a-dir"), "a file where a directory should be");
            RuntimeException e = assertThrows(
                    RuntimeException.class,
                    () -> TestServer.start(
                            other, "database: {workflow: {path: '" + blocker.resolve("store.db") + "'}}"));
            assertTrue(String.valueOf(e.getMessage()).contains("not-a-dir"), e.toString());
        }

        @Test
        @DisplayName("a file that is not a SQLite database stops the start with an error, and is left as it was")
        void foreignFileStopsStart(@TempDir Path other) throws Exception {
            Path file = Files.writeString(other.resolve("workflow.db"), "this is not a database ".repeat(100));
            assertThrows(RuntimeException.class, () -> TestServer.start(other));
            assertEquals("this is not a database ".repeat(100), Files.readString(file));
        }
    }

    @Nested
    @DisplayName("row mapping")
    class RowMapping {
        @Test
        @DisplayName(
                "rows written by the Python implementation, with nulls and its timestamp forms, are returned as stored")
        void legacyRows() {
            SqliteFiles.execute(
                    server.workflowDb(),
                    "INSERT INTO articles (id, url, title, content, created_at) VALUES ('legacy-null', NULL, NULL, NULL, '2025-11-28 03:50:52')",
                    "INSERT INTO articles (id, url, created_at) VALUES ('legacy-micro', 'https://old.example', '2025-11-28T03:50:52.611432')",
                    "INSERT INTO alerts (id, title, message, source_url, created_at) VALUES (900001, NULL, NULL, NULL, NULL)",
                    "INSERT INTO agent_versions (agent_name, version, code, created_at, is_active) VALUES ('legacy-agent', '0.1', 'x', '2025-11-28 03:50:52', NULL)",
                    "INSERT INTO agent_versions (agent_name, version, code, created_at) VALUES ('legacy-agent', '0.2', 'y', '2025-11-28 03:50:51')");
            JsonObject nulls = await(server.store.getArticle("legacy-null"));
            assertNull(nulls.getString("url"));
            assertNull(nulls.getString("title"));
            assertNull(nulls.getString("content"));
            assertEquals("2025-11-28 03:50:52", nulls.getString("created_at"));
            assertEquals(
                    "2025-11-28T03:50:52.611432",
                    await(server.store.getArticle("legacy-micro")).getString("created_at"));
            JsonObject alert = await(server.store.getAlert(900001));
            assertNull(alert.getString("title"));
            assertNull(alert.getString("created_at"));
            assertFalse(
                    await(server.store.getAgentVersion("legacy-agent", "0.1")).getBoolean("is_active"));
            JsonObject latest = await(server.store.latestAgentVersion("legacy-agent"));
            assertEquals("0.2", latest.getString("version"));
            assertTrue(latest.getBoolean("is_active"));
            await(server.store.createArticle(
                    new JsonObject().put("id", "new-after-legacy").put("url", "https://old.example")));
            List<String> byUrl = await(server.store.listArticles(new JsonObject().put("url", "https://old.example")))
                    .getJsonArray("articles")
                    .stream()
                    .map(o -> ((JsonObject) o).getString("id"))
                    .toList();
            assertEquals(List.of("new-after-legacy", "legacy-micro"), byUrl);
        }
    }
}
