package dev.agentstore.store;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import dev.agentstore.support.Tmpfs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups over HTTP (admin routes; the test server is open, so no key): taken while writes go on, holding every
 * row acknowledged before they were asked for, checked, described by a manifest; queued, scheduled and rotated;
 * cancelled by a stop, failed by a full disk, leaving nothing under a backup's name either way.
 */
@DisplayName("Backups: a consistent, checked copy while writes go on; queued, scheduled, rotated; nothing half-made")
class BackupTest {
    static JsonObject start(TestServer server, JsonObject body) {
        HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/api/admin/backups", body);
        JsonObject job = json(202, r);
        assertEquals("/api/admin/backups/" + job.getString("id"), r.getHeader("Location"));
        return job;
    }

    /** Waits until backup {@code id} is complete (or fails the test if it failed); its manifest. */
    static JsonObject await(TestServer server, String id) {
        JsonObject[] last = new JsonObject[1];
        Eventually.await("backup " + id + " complete", Duration.ofSeconds(60), () -> {
            last[0] = json(200, server.get("/api/admin/backups/" + id));
            assertFalse("failed".equals(last[0].getString("state")), last[0].encode());
            return "complete".equals(last[0].getString("state"));
        });
        return last[0];
    }

    static Path backupDir(TestServer server) {
        return server.config.backup().dir();
    }

    /**
     * Adds {@code rows} workflows of about {@code bytes} bytes of data each, straight into the file; their ids
     * start with the prefix returned.
     */
    static String fill(Path db, int rows, int bytes) {
        String prefix = "filler-" + java.util.UUID.randomUUID() + "-";
        SqliteFiles.execute(
                db,
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ")"
                        + " INSERT INTO workflow_states (id, workflow_name, status, data, created_at, updated_at)"
                        + " SELECT '" + prefix + "' || i, 'filler', 'pending', hex(randomblob(" + (bytes / 2) + ")),"
                        + " '2026-01-01T00:00:00', '2026-01-01T00:00:00' FROM n");
        return prefix;
    }

    static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Nested
    @RealServer(config = "database: {agent_versions: {path: agents.db}}")
    @DisplayName("asked for over HTTP, with two databases")
    class Asked {
        @Test
        @DisplayName("under write load, a backup holds every workflow acknowledged before it was asked for, passes"
                + " integrity_check, and its manifest's rows and SHA-256 are the copy's")
        void underLoad(TestServer server) throws Exception {
            ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            for (int t = 0; t < 4; t++) {
                Thread w = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            acked.add(json(
                                            201,
                                            server.send(
                                                    HttpMethod.POST,
                                                    "/api/workflows",
                                                    new JsonObject().put("workflow_name", "load")))
                                    .getString("id"));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                w.start();
                writers.add(w);
            }
            String filler = fill(server.workflowDb(), 5_000, 2_000);
            Eventually.await("200 writes acknowledged", Duration.ofSeconds(30), () -> acked.size() >= 200);
            Set<String> before = new HashSet<>(acked);
            JsonObject job = start(server, new JsonObject());
            assertEquals("running", job.getString("state"));
            assertEquals(new JsonArray().add("workflow").add("agent_versions"), job.getJsonArray("databases"));
            long ackedAtStart = acked.size();
            JsonObject manifest = await(server, job.getString("id"));
            Eventually.await(
                    "writes acknowledged during the backup",
                    Duration.ofSeconds(30),
                    () -> acked.size() > ackedAtStart + 50);
            stop.set(true);
            for (Thread w : writers) {
                w.join();
            }
            assertTrue(failures.isEmpty(), "writers failed: " + failures);

            assertEquals("api", manifest.getString("trigger"));
            Path dir = backupDir(server).resolve(job.getString("id"));
            assertEquals(List.of("agent_versions.db", "manifest.json", "workflow.db"), entries(dir));
            for (String name : List.of("workflow", "agent_versions")) {
                JsonObject db = manifest.getJsonObject("databases").getJsonObject(name);
                Path copy = dir.resolve(db.getString("file"));
                assertEquals("ok", SqliteFiles.text(copy, "PRAGMA integrity_check"));
                assertEquals(Backup.sha256(copy), db.getString("sha256"));
                assertEquals(Files.size(copy), db.getLong("bytes"));
                assertEquals(
                        SqliteFiles.number(copy, "SELECT max(version) FROM schema_version"),
                        db.getInteger("schema_version").longValue());
                db.getJsonObject("rows")
                        .forEach(t -> assertEquals(
                                SqliteFiles.count(copy, t.getKey()),
                                ((Number) t.getValue()).longValue(),
                                name + "." + t.getKey()));
            }
            Path copy = dir.resolve("workflow.db");
            List<String> missing = before.stream()
                    .filter(id ->
                            SqliteFiles.number(copy, "SELECT count(*) FROM workflow_states WHERE id = ?", id) != 1)
                    .toList();
            assertEquals(List.of(), missing, "acknowledged before the backup was asked for, and not in it");
            assertEquals(
                    5_000,
                    SqliteFiles.number(copy, "SELECT count(*) FROM workflow_states WHERE id LIKE ?", filler + "%"));
            assertTrue(
                    SqliteFiles.count(copy, "workflow_states")
                            < SqliteFiles.count(server.workflowDb(), "workflow_states"),
                    "writes went on after the copy's moment");

            JsonObject list = json(200, server.get("/api/admin/backups"));
            assertEquals(
                    job.getString("id"),
                    list.getJsonArray("backups").getJsonObject(0).getString("id"));
            assertEquals(backupDir(server).toAbsolutePath().toString(), list.getString("dir"));
        }

        @Test
        @DisplayName("one database alone, when named")
        void oneDatabase(TestServer server) throws Exception {
            JsonObject job = start(server, new JsonObject().put("database", "agent_versions"));
            JsonObject manifest = await(server, job.getString("id"));
            assertEquals(
                    Set.of("agent_versions"),
                    manifest.getJsonObject("databases").fieldNames());
            assertEquals(
                    List.of("agent_versions.db", "manifest.json"),
                    entries(backupDir(server).resolve(job.getString("id"))));
        }

        @Test
        @DisplayName("asked for again while one runs: queued (one at most, which later asks join), and each completes")
        void queued(TestServer server) {
            fill(server.workflowDb(), 2_000, 2_000);
            List<JsonObject> jobs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                jobs.add(start(server, new JsonObject()));
            }
            Set<String> ids = new HashSet<>();
            String queued = null;
            for (JsonObject job : jobs) {
                String state = job.getString("state");
                assertTrue(state.equals("running") || state.equals("queued"), job.encode());
                if (state.equals("queued")) {
                    if (queued != null) {
                        assertEquals(queued, job.getString("id"), "a later ask joins the queued backup");
                    }
                    queued = job.getString("id");
                }
                ids.add(job.getString("id"));
            }
            for (String id : ids) {
                await(server, id);
            }
        }

        @Test
        @DisplayName("an unknown database, an unknown field, an unknown backup: 400, 400, 404; nothing is made")
        void refused(TestServer server) throws Exception {
            List<String> before = entries(backupDir(server));
            String detail = problem(
                    400, server.send(HttpMethod.POST, "/api/admin/backups", new JsonObject().put("database", "nope")));
            assertEquals("no database 'nope'; the databases are workflow, agent_versions", detail);
            assertTrue(problem(400, server.send(HttpMethod.POST, "/api/admin/backups", new JsonObject().put("x", 1)))
                    .startsWith("unknown field 'x'"));
            assertTrue(problem(404, server.get("/api/admin/backups/nope")).startsWith("no backup 'nope'"));
            assertTrue(problem(404, server.get("/api/admin/backups/.x")).startsWith("no backup '.x'"));
            // what the file system would refuse (a NUL) is no backup either, not a 500
            assertEquals(404, server.get("/api/admin/backups/%00").statusCode());
            assertEquals(
                    "no backup '20200101T000000.000Z'",
                    problem(404, server.get("/api/admin/backups/20200101T000000.000Z")));
            assertEquals(before, entries(backupDir(server)));
        }
    }

    @Nested
    @RealServer(config = "backup: {interval_s: 1, keep: 2}")
    @DisplayName("scheduled (backup.interval_s: 1, keep: 2)")
    class Scheduled {
        @Test
        @DisplayName(
                "a backup every second; the two newest scheduled ones are kept, and one asked for is never deleted")
        void rotates(TestServer server) {
            String asked = await(server, start(server, new JsonObject()).getString("id"))
                    .getString("id");
            Set<String> seen = new HashSet<>();
            Eventually.await("four scheduled backups made, the oldest deleted", Duration.ofSeconds(30), () -> {
                JsonObject listing = json(200, server.get("/api/admin/backups"));
                JsonArray backups = listing.getJsonArray("backups");
                List<String> scheduled = new ArrayList<>();
                boolean askedKept = false;
                for (int i = 0; i < backups.size(); i++) {
                    JsonObject b = backups.getJsonObject(i);
                    if (b.getString("trigger").equals("scheduled")) {
                        scheduled.add(b.getString("id"));
                    } else {
                        askedKept |= b.getString("id").equals(asked);
                    }
                }
                assertTrue(askedKept, "the backup asked for is kept: " + backups.encode());
                // a backup is published (renamed) a moment before the oldest is deleted, both before its job ends
                int most = listing.getValue("running") == null ? 2 : 3;
                assertTrue(scheduled.size() <= most, "at most keep scheduled backups: " + listing.encode());
                seen.addAll(scheduled);
                return seen.size() >= 4 && scheduled.size() == 2;
            });
        }
    }

    @Nested
    @DisplayName("interrupted")
    class Interrupted {
        @TempDir
        Path home;

        @Test
        @DisplayName("the server stopping during a backup cancels it, stops cleanly, and leaves no backup and no"
                + " partial directory")
        void stopCancels() throws Exception {
            TestServer server = TestServer.start(home, "");
            fill(server.workflowDb(), 40_000, 2_000);
            String id = start(server, new JsonObject()).getString("id");
            Path dir = backupDir(server);
            Eventually.await("the backup under way", Duration.ofSeconds(30), () -> {
                try {
                    return entries(dir).contains("." + id + ".partial");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            server.close(); // fails the test if the store does not stop cleanly (a checkpoint held off)
            List<String> left = entries(dir);
            assertTrue(
                    left.isEmpty()
                            || left.equals(List.of(id))
                                    && Files.exists(dir.resolve(id).resolve("manifest.json")),
                    "nothing half-made: " + left);
        }

        @Test
        @DisplayName("a full disk fails the backup: it says so, leaves nothing, and the server goes on writing")
        void diskFull() throws Exception {
            try (TestServer server = TestServer.start(home, "");
                    Tmpfs small = Tmpfs.mount(home.resolve("small"), "2m")) {
                fill(server.workflowDb(), 4_000, 2_000); // about 8 MB
                // backup.dir is fixed at start; point it at the small disk through a symbolic link
                Path dir = backupDir(server);
                Files.createDirectories(dir.getParent());
                Files.deleteIfExists(dir);
                Files.createSymbolicLink(dir, small.dir());
                String id = start(server, new JsonObject()).getString("id");
                JsonObject[] job = new JsonObject[1];
                Eventually.await("the backup failed", Duration.ofSeconds(30), () -> {
                    job[0] = json(200, server.get("/api/admin/backups/" + id));
                    return "failed".equals(job[0].getString("state"));
                });
                assertTrue(job[0].getString("error").contains("backup " + id + " failed"), job[0].encode());
                assertEquals(List.of(), entries(small.dir()), "nothing left on the full disk");
                JsonObject list = json(200, server.get("/api/admin/backups"));
                assertEquals(id, list.getJsonObject("last_failure").getString("id"));
                json(201, server.send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", "w")));
                Files.delete(dir);
            }
        }
    }

    @Test
    @DisplayName("the manifest's id sorts as time does")
    void idsSort() {
        String a = Backup.id(java.time.Instant.parse("2026-12-03T08:00:00.001Z"));
        String b = Backup.id(java.time.Instant.parse("2026-12-03T08:00:00.010Z"));
        assertEquals("20261203T080000.001Z", a);
        assertTrue(a.compareTo(b) < 0);
        assertNotNull(b);
    }
}
