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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SIGTERM under load")
class ShutdownUnderLoadTest {
    static final int REQUESTS = 3000;
    static final int IN_FLIGHT = 32;

    @Test
    @DisplayName("stops with exit code 0 while writes stream in, and every write it acknowledged is in the file")
    void noAcknowledgedWriteIsLost(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        Path db = dir.resolve("load.db");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
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
            CountDownLatch enoughAcknowledged = new CountDownLatch(300);
            Semaphore window = new Semaphore(IN_FLIGHT);
            CompletableFuture<?>[] all = new CompletableFuture<?>[REQUESTS];
            Thread terminator = new Thread(() -> {
                try {
                    enoughAcknowledged.await();
                    p.terminate();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            terminator.start();
            for (int i = 0; i < REQUESTS; i++) {
                window.acquire();
                HttpRequest req = HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"workflow_name\":\"load-" + i + "\"}"))
                        .build();
                all[i] = client.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                        .handle((r, err) -> {
                            window.release();
                            if (err == null && r.statusCode() == 201) {
                                acknowledged.add(new JsonObject(r.body()).getString("id"));
                                enoughAcknowledged.countDown();
                            } else {
                                refused.incrementAndGet();
                            }
                            return null;
                        });
            }
            CompletableFuture.allOf(all).get(120, TimeUnit.SECONDS);
            terminator.join(30_000);
            assertEquals(0, p.awaitExit(60_000), p.output());
        }
        System.out.println("acknowledged " + acknowledged.size() + ", refused " + refused.get());
        assertTrue(acknowledged.size() >= 300, "acknowledged " + acknowledged.size());
        assertTrue(refused.get() > 0, "SIGTERM came after the load had ended: nothing was tested");
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
            assertEquals(
                    List.of(),
                    missing,
                    "acknowledged but not stored (of " + acknowledged.size() + ", " + refused.get() + " refused)");
        }
    }
}
