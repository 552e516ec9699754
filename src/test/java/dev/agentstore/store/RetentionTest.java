package dev.agentstore.store;

import static dev.agentstore.support.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention over HTTP (admin routes; the test server is open): a run under write load deletes exactly the rows
 * that were due when it started, in steps through the writer, and gives the freed pages back when the file allows.
 */
@DisplayName("Retention: deletes exactly the rows due, under write load, in steps; gives the space back")
class RetentionTest {
    @TempDir
    Path home;

    static final String OLD = "2020-01-01T00:00:00.000Z";

    static JsonObject run(TestServer server) {
        HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/api/admin/retention", (String) null);
        JsonObject state = json(202, r);
        assertEquals("/api/admin/retention", r.getHeader("Location"));
        assertTrue(state.getValue("running") != null || state.getValue("last_run") != null, state.encode());
        JsonObject[] last = new JsonObject[1];
        Eventually.await("the retention run finished", Duration.ofSeconds(60), () -> {
            last[0] = json(200, server.get("/api/admin/retention"));
            return last[0].getValue("running") == null && last[0].getValue("last_run") != null;
        });
        JsonObject done = last[0].getJsonObject("last_run");
        assertNull(done.getString("error"), done.encode());
        return done;
    }

    static Set<String> ids(Path db, String sql) throws Exception {
        return new HashSet<>(SqliteFiles.column(db, sql));
    }

    @Test
    @DisplayName("under write load, a run deletes exactly the finished workflows (with their history), articles and"
            + " alerts older than their days, in steps of batch_rows, and nothing else")
    void deletesExactlyWhatIsDue() throws Exception {
        try (TestServer server = TestServer.start(
                home, "retention: {workflows_days: 30, articles_days: 30, alerts_days: 7, batch_rows: 100}")) {
            Path db = server.workflowDb();
            String recent = Instant.now().minus(Duration.ofDays(2)).toString();
            String week = Instant.now().minus(Duration.ofDays(10)).toString();
            SqliteFiles.execute(
                    db,
                    // due: final and finished long ago (completed_at, or updated_at when it has none)
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 900)"
                            + " INSERT INTO workflow_states (id, workflow_name, status, created_at, updated_at,"
                            + " completed_at) SELECT 'due-' || i, 'old', CASE i % 3 WHEN 0 THEN 'completed' WHEN 1"
                            + " THEN 'failed' ELSE 'cancelled' END, '" + OLD + "', '" + OLD + "',"
                            + " CASE WHEN i % 10 = 0 THEN NULL ELSE '" + OLD + "' END FROM n",
                    // kept: old but not final; final but recent; a Python-era row of 10 days ago (not 30)
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
                            + " INSERT INTO workflow_states (id, workflow_name, status, created_at, updated_at,"
                            + " completed_at) SELECT 'keep-' || i, 'kept', CASE i % 3 WHEN 0 THEN 'running' WHEN 1"
                            + " THEN 'pending' ELSE 'completed' END, '" + OLD + "', '" + OLD + "',"
                            + " CASE WHEN i % 3 = 2 THEN '" + recent + "' ELSE NULL END FROM n",
                    "INSERT INTO workflow_history (workflow_id, status, created_at)"
                            + " SELECT id, 'pending', created_at FROM workflow_states"
                            + " UNION ALL SELECT id, status, created_at FROM workflow_states",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 450)"
                            + " INSERT INTO articles (id, url, created_at) SELECT 'old-' || i, 'u',"
                            + " CASE WHEN i % 2 = 0 THEN '" + OLD + "' ELSE '2020-01-01 00:00:00' END FROM n",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)"
                            + " INSERT INTO articles (id, url, created_at) SELECT 'new-' || i, 'u', '" + recent
                            + "' FROM n",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)"
                            + " INSERT INTO alerts (title, created_at) SELECT 'old', '" + week + "' FROM n",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)"
                            + " INSERT INTO alerts (title, created_at) SELECT 'new', '" + recent + "' FROM n");
            Set<String> kept = ids(db, "SELECT id FROM workflow_states WHERE id LIKE 'keep-%'");
            long keptHistory =
                    SqliteFiles.number(db, "SELECT count(*) FROM workflow_history WHERE workflow_id LIKE 'keep-%'");

            // writers that go on through the run: every create acknowledged must stay
            ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread w = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            String id = json(
                                            201,
                                            server.send(
                                                    HttpMethod.POST,
                                                    "/api/workflows",
                                                    new JsonObject().put("workflow_name", "load")))
                                    .getString("id");
                            json(
                                    200,
                                    server.send(
                                            HttpMethod.PUT,
                                            "/api/workflows/" + id,
                                            new JsonObject().put("status", "completed")));
                            acked.add(id);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                w.start();
                writers.add(w);
            }
            JsonObject done;
            try {
                Eventually.await("the load is under way", Duration.ofSeconds(10), () -> acked.size() >= 20);
                done = run(server);
            } finally {
                stop.set(true);
                for (Thread w : writers) {
                    w.join();
                }
            }
            assertEquals(List.of(), List.copyOf(failures));

            JsonObject deleted = done.getJsonObject("deleted");
            assertEquals(900L, deleted.getLong("workflow_states"), done.encode());
            assertEquals(1800L, deleted.getLong("workflow_history"), done.encode());
            assertEquals(450L, deleted.getLong("articles"), done.encode());
            assertEquals(250L, deleted.getLong("alerts"), done.encode());
            // 900 rows in steps of 100, one more that finds fewer; the same for the others
            assertTrue(done.getInteger("steps") >= 10 + 5 + 3, done.encode());

            assertEquals(0, SqliteFiles.number(db, "SELECT count(*) FROM workflow_states WHERE id LIKE 'due-%'"));
            assertEquals(
                    0, SqliteFiles.number(db, "SELECT count(*) FROM workflow_history WHERE workflow_id LIKE 'due-%'"));
            assertEquals(kept, ids(db, "SELECT id FROM workflow_states WHERE id LIKE 'keep-%'"));
            assertEquals(
                    keptHistory,
                    SqliteFiles.number(db, "SELECT count(*) FROM workflow_history WHERE workflow_id LIKE 'keep-%'"));
            Set<String> load = ids(db, "SELECT id FROM workflow_states WHERE workflow_name = 'load'");
            assertTrue(load.containsAll(acked), "every acknowledged create is kept");
            assertEquals(150, SqliteFiles.number(db, "SELECT count(*) FROM articles"));
            assertEquals(0, SqliteFiles.number(db, "SELECT count(*) FROM articles WHERE id LIKE 'old-%'"));
            assertEquals(50, SqliteFiles.number(db, "SELECT count(*) FROM alerts"));

            // a second run finds nothing due
            JsonObject again = run(server);
            assertEquals(
                    new JsonObject(),
                    again.getJsonObject("deleted").stream()
                            .filter(e -> ((Number) e.getValue()).longValue() != 0)
                            .collect(JsonObject::new, (o, e) -> o.put(e.getKey(), e.getValue()), JsonObject::mergeIn));
        }
    }

    @Test
    @DisplayName("a new file has auto_vacuum incremental: the pages a run frees go back to the file system")
    void givesTheSpaceBack() throws Exception {
        try (TestServer server = TestServer.start(home, "retention: {articles_days: 1, batch_rows: 2000}")) {
            Path db = server.workflowDb();
            assertEquals(2, SqliteFiles.number(db, "PRAGMA auto_vacuum"));
            SqliteFiles.execute(
                    db,
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)"
                            + " INSERT INTO articles (id, url, content, created_at) SELECT 'a' || i, 'u',"
                            + " hex(randomblob(1000)), '" + OLD + "' FROM n",
                    "PRAGMA wal_checkpoint(TRUNCATE)");
            long before = Files.size(db);
            JsonObject done = run(server);
            assertEquals(10000L, done.getJsonObject("deleted").getLong("articles"));
            assertEquals("incremental", done.getString("auto_vacuum"));
            assertEquals(0L, done.getLong("free_pages"), done.encode());
            assertTrue(done.getLong("freed_bytes") > 15_000_000L, done.encode());
            SqliteFiles.execute(db, "PRAGMA wal_checkpoint(TRUNCATE)");
            assertTrue(Files.size(db) < before - 15_000_000L, "the file shrank: " + before + " -> " + Files.size(db));
            String metrics = server.get("/metrics").bodyAsString();
            assertTrue(
                    metrics.contains(
                            "agentstore_retention_deleted_rows_total{database=\"workflow\",table=\"articles\"} 10000.0"),
                    metrics.lines()
                            .filter(l -> l.contains("retention"))
                            .toList()
                            .toString());
        }
    }

    @Test
    @DisplayName("off by default: nothing is due, a run asked for deletes nothing; a Python-era file keeps its"
            + " auto_vacuum none, and its free pages are reported, not given back")
    void offByDefault() throws Exception {
        Path db = home.resolve("workflow.db");
        SqliteFiles.script(db, "/fixtures/python/v1_schema.sql");
        SqliteFiles.script(db, "/fixtures/python/articles_and_alerts_rows.sql");
        try (TestServer server = TestServer.start(home, "")) {
            JsonObject status = json(200, server.get("/api/admin/retention"));
            assertFalse(status.getBoolean("enabled"));
            assertEquals(
                    new JsonObject().put("workflows", 0).put("articles", 0).put("alerts", 0),
                    status.getJsonObject("days"));
            long articles = SqliteFiles.count(db, "articles");
            JsonObject done = run(server);
            assertEquals(new JsonObject(), done.getJsonObject("deleted"));
            assertEquals("none", done.getString("auto_vacuum"));
            assertEquals(0L, done.getLong("freed_bytes"));
            assertEquals(articles, SqliteFiles.count(db, "articles"));
            assertEquals(
                    400,
                    server.send(HttpMethod.POST, "/api/admin/retention", "{\"days\":1}")
                            .statusCode());
        }
    }
}
