package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.SqliteFiles.column;
import static dev.agentstore.support.SqliteFiles.columns;
import static dev.agentstore.support.SqliteFiles.dump;
import static dev.agentstore.support.SqliteFiles.exec;
import static dev.agentstore.support.SqliteFiles.journalMode;
import static dev.agentstore.support.SqliteFiles.script;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.store.migration.Migration;
import dev.agentstore.store.migration.Migrations;
import dev.agentstore.support.BeforeServerStart;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The two forms of file the Python implementation left behind (docs/DATABASE.md), built as it built
 * them (the scripts under src/test/resources/fixtures/python/), then opened by the real server. Every
 * row is checked at SQL level, byte for byte, and read back through the API.
 */
@DisplayName("The Python implementation's files open, upgrade to the latest schema and keep every row")
class LegacyFilesTest {
    static final Migrations MIGRATIONS = Migrations.classpath();

    /** The Python implementation's files, as SQL scripts (see each file for what it holds). */
    static final String FIXTURES = "/fixtures/python/";

    /** workflow.db in {@code dir} with {@code schema} and the articles and alerts rows, in the rollback journal. */
    static Path pythonFile(Path dir, String schema) throws SQLException {
        Path file = dir.resolve("workflow.db");
        exec(file, "PRAGMA journal_mode=DELETE");
        script(file, FIXTURES + schema);
        script(file, FIXTURES + "articles_and_alerts_rows.sql");
        return file;
    }

    static void assertAtLatestInWal(Path file) throws Exception {
        assertEquals("wal", journalMode(file));
        List<String> versions = new ArrayList<>();
        MIGRATIONS.all().forEach(m -> versions.add(String.valueOf(m.version())));
        assertEquals(versions, SqliteFiles.versions(file));
    }

    /** The legacy articles and alerts read back through the API, NULLs and timestamps as stored. */
    static void assertArticlesAndAlertsServed(TestServer server) {
        JsonArray articles = await(server.store.listArticles(new JsonObject().put("limit", 100)))
                .getJsonArray("articles");
        assertEquals(5, articles.size(), articles.encodePrettily());
        JsonObject a1 = await(server.store.getArticle("a-1"));
        assertEquals("Outage in Zürich", a1.getString("title"));
        assertEquals("Power cut – 東京 too", a1.getString("content"));
        assertEquals("2025-11-28 03:50:52", a1.getString("created_at"));
        JsonObject a2 = await(server.store.getArticle("a-2"));
        assertEquals("2025-11-28T03:50:52.611432", a2.getString("created_at"));
        assertTrue(a2.containsKey("content") && a2.getValue("content") == null, a2.encode());
        JsonObject a3 = await(server.store.getArticle("a-3"));
        assertTrue(a3.getValue("url") == null && a3.getValue("created_at") == null, a3.encode());
        assertTrue(
                articles.stream()
                        .map(o -> (JsonObject) o)
                        .anyMatch(a -> a.getValue("id") == null && "a row without an id".equals(a.getString("title"))),
                articles.encode());
        var http = server.get("/api/articles/a-2");
        assertEquals(200, http.statusCode(), http.bodyAsString());
        assertEquals("2025-11-28T03:50:52.611432", http.bodyAsJsonObject().getString("created_at"));

        JsonArray alerts = await(server.store.listAlerts(new JsonObject().put("limit", 100)))
                .getJsonArray("alerts");
        assertEquals(4, alerts.size(), alerts.encodePrettily());
        JsonObject seven = await(server.store.getAlert(7));
        assertEquals("after a gap", seven.getString("title"));
        assertEquals("2025-11-28T04:00:00.000001", seven.getString("created_at"));
        assertTrue(
                alerts.stream()
                        .map(o -> (JsonObject) o)
                        .anyMatch(a -> a.getValue("title") == null && a.getValue("created_at") == null),
                alerts.encode());
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @RealServer
    @DisplayName("a legacy file: only articles and alerts, nullable columns, rollback journal, no schema_version")
    class LegacyFile {
        Path file;
        Map<String, List<String>> columnsBefore;
        Map<String, List<String>> rowsBefore;
        Map<String, List<String>> rowsAfter;
        List<String> ddlBefore;
        TestServer server;

        @BeforeServerStart
        void build(Path dir) throws Exception {
            file = pythonFile(dir, "legacy_schema.sql");
            assertEquals("delete", journalMode(file));
            columnsBefore = columns(file);
            assertEquals(Set.of("articles", "alerts", "sqlite_sequence"), columnsBefore.keySet());
            rowsBefore = dump(file, columnsBefore);
            ddlBefore = column(file, "SELECT sql FROM sqlite_master WHERE type = 'table' ORDER BY name");
        }

        @BeforeAll
        void opened() throws Exception {
            rowsAfter = dump(file, columnsBefore);
        }

        @Test
        @DisplayName(
                "every article and alert row is kept as it was: values, NULLs, storage classes, rowids, both timestamp forms")
        void everyRowKept() throws Exception {
            assertEquals(rowsBefore, rowsAfter);
            assertEquals(5, rowsBefore.get("articles").size());
            assertEquals(4, rowsBefore.get("alerts").size());
            assertTrue(rowsBefore.get("articles").stream().anyMatch(r -> r.endsWith("'2025-11-28T03:50:52.611432'")));
            assertTrue(rowsBefore.get("articles").stream().anyMatch(r -> r.endsWith("'2025-11-28 03:50:52'")));
        }

        @Test
        @DisplayName("the legacy tables keep their own definitions and gain the indexes of versions 1 and 2")
        void tablesKeptIndexesAdded() throws Exception {
            List<String> ddlAfter = column(
                    file,
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('articles', 'alerts', 'sqlite_sequence') ORDER BY name");
            assertEquals(ddlBefore, ddlAfter);
            List<String> indexes = column(
                    file,
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('articles', 'alerts') ORDER BY name");
            assertEquals(
                    List.of(
                            "idx_alerts_created_at",
                            "idx_articles_created_at",
                            "idx_articles_url",
                            "idx_articles_url_created_at"),
                    indexes.stream().filter(n -> !n.startsWith("sqlite_")).toList());
        }

        @Test
        @DisplayName(
                "the file is now in WAL mode and at the latest version, every migration recorded with its checksum")
        void atLatestInWal() throws Exception {
            assertAtLatestInWal(file);
            assertEquals(
                    MIGRATIONS.all().stream().map(Migration::checksum).toList(),
                    column(file, "SELECT checksum FROM schema_version ORDER BY version"));
        }

        @Test
        @DisplayName("its articles and alerts are served by the API, NULLs and both timestamp forms as stored")
        void articlesAndAlertsServed() {
            assertArticlesAndAlertsServed(server);
        }

        @Test
        @DisplayName("the workflow tables it lacked now exist and serve the API")
        void workflowsServed() {
            JsonObject wf = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "after-upgrade")));
            assertEquals(wf, await(server.store.getWorkflow(wf.getString("id"))));
            assertEquals(
                    1,
                    await(server.store.workflowHistory(wf.getString("id")))
                            .getJsonArray("history")
                            .size());
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @RealServer
    @DisplayName("a version-1 file: every table, schema_version = 1 with no checksum column, rollback journal")
    class VersionOneFile {
        /** As the Python implementation wrote them: data is json.dumps text (ASCII, \\u escapes), timestamps in both forms. */
        final List<JsonObject> workflows = List.of(
                workflow(
                        "wf-1",
                        "scrape_news",
                        "completed",
                        "store",
                        "{\"url\": \"https://news.example\", \"pages\": 3}",
                        null,
                        "2025-11-28 03:50:52",
                        "2025-11-28T03:51:10.611432",
                        "2025-11-28T03:51:10.611432"),
                workflow(
                        "wf-2",
                        "scrape_news",
                        "running",
                        "fetch",
                        "{\"title\": \"caf\\u00e9\", \"nested\": {\"ids\": [1, 2, 3], \"ok\": true}}",
                        null,
                        "2025-11-28T03:50:52.611432",
                        "2025-11-28 03:52:00",
                        null),
                workflow(
                        "wf-3",
                        "keyword_monitor",
                        "failed",
                        "parse",
                        null,
                        "timeout after 30s",
                        "2025-11-27 22:00:00",
                        "2025-11-27 22:05:00",
                        "2025-11-27 22:05:00"),
                workflow(
                        "wf-4",
                        "keyword_monitor",
                        "pending",
                        null,
                        "{}",
                        null,
                        "2025-11-28T05:00:00.000001",
                        "2025-11-28T05:00:00.000001",
                        null));

        final List<JsonObject> history = List.of(
                event(1, "wf-1", "pending", null, "Workflow created", "2025-11-28 03:50:52"),
                event(2, "wf-1", "running", "fetch", null, "2025-11-28T03:50:53.100200"),
                event(3, "wf-2", "pending", null, "Workflow created", "2025-11-28T03:50:52.611432"),
                event(4, "wf-1", "completed", "store", "done", "2025-11-28T03:51:10.611432"),
                event(5, "wf-3", "pending", null, null, "2025-11-27 22:00:00"),
                event(6, "wf-3", "failed", "parse", "timeout after 30s", "2025-11-27 22:05:00"),
                event(7, "wf-2", "running", "fetch", null, "2025-11-28 03:52:00"));

        /** Changed by a test through the API; the other tests leave it alone. */
        final JsonObject toComplete = workflow(
                "wf-5",
                "scrape_news",
                "running",
                "fetch",
                "{\"n\": 1}",
                null,
                "2025-11-28 06:00:00",
                "2025-11-28 06:00:01",
                null);

        Path file;
        Map<String, List<String>> columnsBefore;
        Map<String, List<String>> rowsBefore;
        Map<String, List<String>> rowsAfter;
        TestServer server;

        @BeforeServerStart
        void build(Path dir) throws Exception {
            file = pythonFile(dir, "v1_schema.sql");
            try (Connection c = SqliteFiles.connect(file);
                    PreparedStatement wf =
                            c.prepareStatement("INSERT INTO workflow_states VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement h =
                            c.prepareStatement("INSERT INTO workflow_history VALUES (?, ?, ?, ?, ?, ?)")) {
                for (JsonObject w : append(workflows, toComplete)) {
                    String[] keys = {
                        "id",
                        "workflow_name",
                        "status",
                        "current_step",
                        "data",
                        "error_message",
                        "created_at",
                        "updated_at",
                        "completed_at"
                    };
                    for (int i = 0; i < keys.length; i++) {
                        wf.setString(i + 1, w.getString(keys[i]));
                    }
                    wf.executeUpdate();
                }
                for (JsonObject e : history) {
                    h.setLong(1, e.getLong("id"));
                    String[] keys = {"workflow_id", "status", "step", "message", "created_at"};
                    for (int i = 0; i < keys.length; i++) {
                        h.setString(i + 2, e.getString(keys[i]));
                    }
                    h.executeUpdate();
                }
            }
            script(file, FIXTURES + "v1_agent_versions_rows.sql");
            assertEquals("delete", journalMode(file));
            columnsBefore = columns(file);
            rowsBefore = dump(file, columnsBefore);
        }

        @BeforeAll
        void opened() throws Exception {
            rowsAfter = dump(file, columnsBefore);
        }

        @Test
        @DisplayName("its articles and alerts are served by the API, NULLs and both timestamp forms as stored")
        void articlesAndAlertsServed() {
            assertArticlesAndAlertsServed(server);
        }

        @Test
        @DisplayName("every row of every table is kept as it was, the Python schema_version row included")
        void everyRowKept() throws Exception {
            assertEquals(
                    Set.of(
                            "agent_versions",
                            "alerts",
                            "articles",
                            "schema_version",
                            "sqlite_sequence",
                            "workflow_history",
                            "workflow_states"),
                    columnsBefore.keySet());
            Map<String, List<String>> before = new LinkedHashMap<>(rowsBefore);
            Map<String, List<String>> after = new LinkedHashMap<>(rowsAfter);
            List<String> versionsAfter = after.get("schema_version");
            assertEquals(before.get("schema_version"), versionsAfter.subList(0, 1));
            assertEquals(MIGRATIONS.latest(), versionsAfter.size());
            before.remove("schema_version");
            after.remove("schema_version");
            assertEquals(before, after);
            assertEquals(
                    List.of("NULL"),
                    column(file, "SELECT quote(checksum) FROM schema_version WHERE version = 1"),
                    "the Python implementation recorded no checksum, and none is invented for it");
        }

        @Test
        @DisplayName("the file is now in WAL mode and at the latest version")
        void atLatestInWal() throws Exception {
            assertAtLatestInWal(file);
        }

        @Test
        @DisplayName("each workflow reads back through the bus with its data as JSON and its timestamps as stored")
        void workflowsReadBack() {
            for (JsonObject w : workflows) {
                JsonObject expected = w.copy();
                String data = w.getString("data");
                expected.put("data", data == null ? null : new JsonObject(data));
                expected.put("version", 1L); // 0003 gives every row of an older file version 1
                assertEquals(expected, await(server.store.getWorkflow(w.getString("id"))));
            }
            assertEquals(
                    "café",
                    await(server.store.getWorkflow("wf-2"))
                            .getJsonObject("data")
                            .getString("title"));
        }

        @Test
        @DisplayName("list finds them all and filters them by status")
        void listed() {
            JsonArray all = await(server.store.listWorkflows(new JsonObject().put("limit", 1000)))
                    .getJsonArray("workflows");
            Set<String> ids = all.stream()
                    .map(o -> ((JsonObject) o).getString("id"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertTrue(ids.containsAll(Set.of("wf-1", "wf-2", "wf-3", "wf-4")), ids.toString());
            JsonArray failed = await(server.store.listWorkflows(new JsonObject().put("status", "failed")))
                    .getJsonArray("workflows");
            assertEquals(
                    List.of("wf-3"),
                    failed.stream().map(o -> ((JsonObject) o).getString("id")).toList());
            assertEquals("2025-11-27 22:05:00", failed.getJsonObject(0).getString("completed_at"));
        }

        @Test
        @DisplayName("each history reads back oldest first, with the Python ids and timestamps")
        void historyReadsBack() {
            for (String id : List.of("wf-1", "wf-2", "wf-3")) {
                List<JsonObject> expected = history.stream()
                        .filter(e -> e.getString("workflow_id").equals(id))
                        .toList();
                assertEquals(
                        new JsonArray(new ArrayList<>(expected)),
                        await(server.store.workflowHistory(id)).getJsonArray("history"));
            }
            assertEquals(
                    0,
                    await(server.store.workflowHistory("wf-4"))
                            .getJsonArray("history")
                            .size());
        }

        @Test
        @DisplayName("a Python workflow in a final status still refuses changes; one still running can be completed")
        void oldWorkflowsFollowTheRules() {
            failsWith(
                    Failures.CONFLICT, server.store.updateWorkflow("wf-1", new JsonObject().put("status", "running")));
            JsonObject done = await(server.store.updateWorkflow("wf-5", new JsonObject().put("status", "completed")));
            assertNotNull(done.getString("completed_at"));
            assertEquals("2025-11-28 06:00:00", done.getString("created_at"));
            assertEquals(1, done.getJsonObject("data").getInteger("n"));
            JsonArray h = await(server.store.workflowHistory("wf-5")).getJsonArray("history");
            assertEquals(1, h.size());
            assertTrue(h.getJsonObject(0).getLong("id") > 7, "AUTOINCREMENT continues after the Python ids");
        }
    }

    static JsonObject workflow(
            String id,
            String name,
            String status,
            String step,
            String data,
            String error,
            String createdAt,
            String updatedAt,
            String completedAt) {
        return new JsonObject()
                .put("id", id)
                .put("workflow_name", name)
                .put("status", status)
                .put("current_step", step)
                .put("data", data)
                .put("error_message", error)
                .put("created_at", createdAt)
                .put("updated_at", updatedAt)
                .put("completed_at", completedAt);
    }

    static List<JsonObject> append(List<JsonObject> list, JsonObject more) {
        List<JsonObject> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }

    static JsonObject event(long id, String workflowId, String status, String step, String message, String createdAt) {
        return new JsonObject()
                .put("id", id)
                .put("workflow_id", workflowId)
                .put("status", status)
                .put("step", step)
                .put("message", message)
                .put("created_at", createdAt);
    }
}
