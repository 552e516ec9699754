package dev.agentstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.Http;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import dev.agentstore.support.Tmpfs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A full disk: writes 503, the database degraded and not ready, until a write reaches the disk again")
class DiskFullTest {
    @TempDir
    Path dir;

    static HttpResponse<Buffer> create(TestServer server, int size, Random random) {
        StringBuilder blob = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            blob.append((char) ('a' + random.nextInt(26)));
        }
        return server.send(
                HttpMethod.POST,
                "/api/workflows",
                new JsonObject()
                        .put("workflow_name", "disk-full")
                        .put("initial_data", new JsonObject().put("blob", blob.toString())));
    }

    static JsonObject workflowHealth(HttpResponse<Buffer> health) {
        return health.bodyAsJsonObject().getJsonObject("databases").getJsonObject("workflow");
    }

    @Test
    @DisplayName(
            "on a full tmpfs writes get 503 with Retry-After, health names the full disk, ready is DOWN and live UP;"
                    + " with space again the writer's own probe makes it healthy, and every acknowledged write is kept")
    void fullDiskDegradesUntilAWriteSucceeds() throws Exception {
        Random random = new Random(11);
        List<String> acknowledged = new ArrayList<>();
        Path db;
        try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), "8m")) {
            try (TestServer server = TestServer.start(fs.dir())) {
                db = server.workflowDb();
                for (int i = 0; i < 10; i++) {
                    acknowledged.add(
                            Http.json(201, create(server, 1_000, random)).getString("id"));
                }
                Path ballast = fs.dir().resolve("ballast");
                fs.fill(ballast);

                HttpResponse<Buffer> refused = null;
                for (int i = 0; i < 200 && refused == null; i++) {
                    HttpResponse<Buffer> r = create(server, 32_000, random);
                    if (r.statusCode() == 201) {
                        acknowledged.add(r.bodyAsJsonObject().getString("id"));
                    } else {
                        refused = r;
                    }
                }
                assertTrue(refused != null, "200 writes of 32 KB fitted on a full 8 MiB file system");
                Http.problem(503, refused);
                assertEquals("1", refused.getHeader("Retry-After"));

                HttpResponse<Buffer> health = server.get("/api/health/db");
                assertEquals(503, health.statusCode(), health.bodyAsString());
                assertEquals("degraded", workflowHealth(health).getString("status"), health.bodyAsString());
                assertTrue(
                        workflowHealth(health).getString("error").contains("disk is full (SQLITE_FULL)"),
                        health.bodyAsString());
                HttpResponse<Buffer> ready = server.get("/api/health/ready");
                assertEquals(503, ready.statusCode(), ready.bodyAsString());
                assertEquals("DOWN", ready.bodyAsJsonObject().getString("status"));
                assertEquals(200, server.get("/api/health/live").statusCode());

                Files.delete(ballast);
                // No client writes now (a load balancer sends none to a server that is not ready): the writer probes.
                Eventually.await(
                        "the database is healthy again without a client's write",
                        Duration.ofSeconds(10),
                        () -> server.get("/api/health/db").statusCode() == 200);
                assertEquals(200, server.get("/api/health/ready").statusCode());
                acknowledged.add(Http.json(201, create(server, 32_000, random)).getString("id"));
            }
            for (String id : acknowledged) {
                assertEquals(1, SqliteFiles.number(db, "SELECT count(*) FROM workflow_states WHERE id = ?", id), id);
            }
        }
    }
}
