package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.PostFlood;
import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.SqliteFiles;
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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability probe's first finding, as a test: 150 concurrent POSTs of a 1 MB article against the shipped
 * -Xmx256m gave OutOfMemoryError on the writer, the event loops and the acceptor, and a process that answered
 * nothing, not even SIGTERM. Here twice that, against a server in a JVM of its own launched as shipped. The
 * flood runs in a process of its own at the lowest CPU priority ({@link PostFlood}): on a shared 2-core machine
 * a flood at equal priority takes the CPU the server would answer with, and the test would measure the
 * scheduler; a flood from other machines costs the server only its reads.
 */
@DisplayName("300 concurrent 1 MB bodies against -Xmx256m")
class HeapExhaustionTest {
    static final int REQUESTS = 300;
    /** Just under limits.max_field_bytes (1 MiB), so that the whole body stays under http.max_body_bytes. */
    static final int CONTENT_BYTES = 1_000_000;

    static final Duration HEALTH_WITHIN = Duration.ofSeconds(1);

    @Test
    @DisplayName("answers only 201 or 503 with Retry-After, stays live within 1 s, exits 0 on SIGTERM, and every 201"
            + " is in the file")
    void admissionControlKeepsTheServerAlive(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        Path db = dir.resolve("bodies.db");
        List<String> created = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        int refused = 0;
        HealthPoller health = new HealthPoller(URI.create("http://127.0.0.1:" + port + "/api/health/live"));
        try (ServerProcess p = ServerProcess.start(
                ServerProcess.javaMainAsShipped(),
                dir,
                Map.of(
                        "AGENTSTORE_HTTP_PORT",
                        String.valueOf(port),
                        "AGENTSTORE_DATABASE_WORKFLOW_PATH",
                        db.toString()))) {
            p.awaitLine("agent-store ready on", 30_000);
            health.start();
            List<String> answers;
            try (ServerProcess flood =
                    ServerProcess.start(PostFlood.command(port, REQUESTS, CONTENT_BYTES), dir, Map.of())) {
                assertEquals(0, flood.awaitExit(120_000), flood.output());
                answers = List.of(flood.output().split("\n"));
            }
            health.stop();
            assertEquals(REQUESTS, answers.size(), String.join("\n", answers));
            for (String answer : answers) {
                String[] f = answer.split(" ", 3); // id, status, Retry-After
                if (f.length == 3 && f[1].equals("201")) {
                    created.add(f[0]);
                } else if (f.length == 3 && f[1].equals("503") && !f[2].equals("-")) {
                    refused++;
                } else {
                    unexpected.add(answer);
                }
            }
            p.terminate();
            assertEquals(0, p.awaitExit(60_000), p.output());
            assertEquals(0, p.linesContaining("OutOfMemoryError"), p.output());
        } finally {
            health.stop();
        }
        System.out.println("created " + created.size() + ", refused " + refused + ", health checks " + health.checks
                + ", slowest " + health.slowestMs + " ms");
        assertEquals(List.of(), unexpected, "answers other than 201, and 503 with Retry-After");
        assertEquals(List.of(), List.copyOf(health.failures), "health checks not answered 200 within " + HEALTH_WITHIN);
        assertTrue(health.checks >= 5, "the health poller ran " + health.checks + " times: nothing was checked");
        assertTrue(created.size() >= 20, "only " + created.size() + " created: the load did not get in");
        try (Connection c = SqliteFiles.connect(db);
                PreparedStatement ps = c.prepareStatement("SELECT length(content) FROM articles WHERE id = ?")) {
            List<String> missing = new ArrayList<>();
            for (String id : created) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getInt(1) != CONTENT_BYTES) {
                        missing.add(id);
                    }
                }
            }
            assertEquals(List.of(), missing, "answered 201 but not in the file whole");
        }
    }

    /**
     * GET /api/health/live on a connection of its own, one at a time, 100 ms apart; an answer that is not a 200
     * within {@link #HEALTH_WITHIN} is recorded.
     */
    static final class HealthPoller {
        private final HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newSingleThreadExecutor())
                .build();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final URI uri;
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        volatile int checks;
        volatile long slowestMs;

        HealthPoller(URI uri) {
            this.uri = uri;
        }

        void start() {
            timer.scheduleWithFixedDelay(this::check, 0, 100, TimeUnit.MILLISECONDS);
        }

        private void check() {
            long start = System.nanoTime();
            String failure = null;
            try {
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(uri).timeout(HEALTH_WITHIN).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    failure = "status " + r.statusCode();
                }
            } catch (Exception e) {
                failure = e.toString();
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            slowestMs = Math.max(slowestMs, ms);
            if (failure != null || ms >= HEALTH_WITHIN.toMillis()) {
                failures.add((failure == null ? "200" : failure) + " after " + ms + " ms");
            }
            checks++;
        }

        /** Stops after the check in progress, if any. */
        void stop() throws InterruptedException {
            timer.shutdown();
            assertTrue(timer.awaitTermination(10, TimeUnit.SECONDS), "the health poller did not stop");
        }
    }
}
