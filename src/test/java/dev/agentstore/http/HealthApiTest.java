package dev.agentstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Health: degraded when the database file is gone or broken, healthy again when it is back")
class HealthApiTest {
    @TempDir
    Path dir;

    static HttpResponse<Buffer> create(TestServer server, String name) {
        return server.send(HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", name));
    }

    @Test
    @DisplayName(
            "a deleted file shows as degraded (503), refuses writes without creating a new file, and recovers when the file is back")
    void deletedFileIsDegradedThenRecovers() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            String id = create(server, "before").bodyAsJsonObject().getString("id");
            Path db = server.workflowDb();
            Path aside = dir.resolve("aside.db");
            Files.move(db, aside);

            HttpResponse<Buffer> health = server.get("/api/health/db");
            assertEquals(503, health.statusCode());
            JsonObject wf = health.bodyAsJsonObject().getJsonObject("databases").getJsonObject("workflow");
            assertEquals("degraded", health.bodyAsJsonObject().getString("status"));
            assertEquals("degraded", wf.getString("status"));
            assertTrue(wf.getString("error").contains("does not exist"), wf.encode());
            assertEquals(503, server.get("/api/health/ready").statusCode());
            assertEquals(200, server.get("/api/health/live").statusCode());
            HttpResponse<Buffer> refused = create(server, "while-gone");
            assertEquals(503, refused.statusCode(), refused.bodyAsString());
            assertEquals("1", refused.getHeader("Retry-After"));
            assertFalse(Files.exists(db), "no new empty database was created");

            Files.move(aside, db);
            assertEquals(200, server.get("/api/health/db").statusCode());
            assertEquals(200, server.get("/api/health/ready").statusCode());
            assertEquals(201, create(server, "after").statusCode());
            assertEquals(200, server.get("/api/workflows/" + id).statusCode());
            assertEquals(2, server.get("/api/workflows").bodyAsJsonObject().getInteger("count"));
        }
    }

    @Test
    @DisplayName("the health probe gives its read connection back to the pool between probes")
    void probeDoesNotKeepAConnection() {
        try (TestServer server = TestServer.start(dir)) {
            assertEquals(200, server.get("/api/health/db").statusCode());
            Eventually.await(
                    "no pooled connection is held after the probe",
                    Duration.ofSeconds(10),
                    () -> TestServer.await(server.store.stats())
                                    .getJsonObject("databases")
                                    .getJsonObject("workflow")
                                    .getJsonObject("pool")
                                    .getInteger("active")
                            == 0);
        }
    }

    @Test
    @DisplayName(
            "a file replaced by another shows as degraded and refuses writes; the original put back is healthy again")
    void garbageFileIsDegraded() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            assertEquals(201, create(server, "kept").statusCode());
            Path db = server.workflowDb();
            Path aside = dir.resolve("aside.db");
            Files.move(db, aside);
            Files.writeString(
                    db, "this is not a database, it is a text file that someone copied over it\n".repeat(100));

            HttpResponse<Buffer> health = server.get("/api/health/db");
            assertEquals(503, health.statusCode(), health.bodyAsString());
            assertTrue(health.bodyAsString().contains("replaced"), health.bodyAsString());
            assertEquals(503, create(server, "refused").statusCode());
            assertTrue(Files.readString(db).startsWith("this is not a database"), "the other file is left alone");

            Files.move(aside, db, StandardCopyOption.REPLACE_EXISTING);
            HttpResponse<Buffer> back = server.get("/api/health/db");
            assertEquals(200, back.statusCode(), back.bodyAsString());
            assertEquals(201, create(server, "after").statusCode());
            assertEquals(
                    2,
                    server.get("/api/workflows").bodyAsJsonObject().getInteger("count"),
                    server.get("/api/workflows").bodyAsString());
        }
    }
}
