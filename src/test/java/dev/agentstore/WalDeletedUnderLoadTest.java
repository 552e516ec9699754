package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.SqliteFiles;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The -wal deleted under write load, then kill -9 (the reliability probe's `rm wf.db-wal`)")
class WalDeletedUnderLoadTest {
    static final int IN_FLIGHT = 16;
    static final int ACKNOWLEDGED_BEFORE_RM = 300;
    static final int REFUSED_AFTER_NOTICE = 200;

    @Test
    @DisplayName(
            "once the server answers that the -wal is gone every write is refused with 503, and after kill -9 every write it acknowledged is in the database file")
    void everyAcknowledgedWriteOutlivesTheDeletedWal(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        Path db = dir.resolve("wf.db");
        Path wal = dir.resolve("wf.db-wal");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean walGoneAnswered = new AtomicBoolean();
        AtomicInteger refusedAfterNotice = new AtomicInteger();
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        boolean deleted = false;
        try (ServerProcess p = ServerProcess.start(
                ServerProcess.javaMain(),
                dir,
                Map.of(
                        "AGENTSTORE_HTTP_PORT",
                        String.valueOf(port),
                        "AGENTSTORE_DATABASE_WORKFLOW_PATH",
                        db.toString()))) {
            p.awaitLine("agent-store ready on", 30_000);
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            URI uri = URI.create("http://127.0.0.1:" + port + "/api/workflows");
            Semaphore window = new Semaphore(IN_FLIGHT);
            for (int i = 0; i < 50_000 && refusedAfterNotice.get() < REFUSED_AFTER_NOTICE; i++) {
                window.acquire();
                if (!deleted && acknowledged.size() >= ACKNOWLEDGED_BEFORE_RM) {
                    Files.delete(wal);
                    deleted = true;
                }
                boolean sentAfterNotice = walGoneAnswered.get();
                HttpRequest req = HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"workflow_name\":\"load-" + i + "\"}"))
                        .build();
                client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, err) -> {
                    if (err != null) {
                        unexpected.add(err.toString());
                    } else if (r.statusCode() == 201) {
                        acknowledged.add(new JsonObject(r.body()).getString("id"));
                        if (sentAfterNotice) {
                            unexpected.add("201 after the server said the -wal was gone: " + r.body());
                        }
                    } else if (r.statusCode() == 503 && r.body().contains("-wal file was deleted")) {
                        walGoneAnswered.set(true);
                        if (sentAfterNotice) {
                            refusedAfterNotice.incrementAndGet();
                        }
                    } else {
                        unexpected.add(r.statusCode() + " " + r.body());
                    }
                    window.release();
                });
            }
            assertTrue(window.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS), "requests still unanswered after 60 s");
            p.process.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no checkpoint at stop
            p.awaitExit(30_000);
        }
        assertTrue(deleted, "the -wal was never deleted: acknowledged only " + acknowledged.size());
        assertTrue(
                refusedAfterNotice.get() >= REFUSED_AFTER_NOTICE,
                "writes sent after the notice: " + refusedAfterNotice);
        assertEquals(List.of(), List.copyOf(unexpected));
        try (Connection c = SqliteFiles.connect(db);
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM workflow_states WHERE id = ?")) {
            List<String> missing = new ArrayList<>();
            for (String id : acknowledged) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        missing.add(id);
                    }
                }
            }
            assertEquals(0, missing.size(), missing.size() + " of " + acknowledged.size() + " acknowledged are lost");
        }
    }
}
