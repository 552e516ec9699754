package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.auth.Keys;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /api/stats on the real server under a real load: the numbers the dashboard draws come from the meters of
 * the requests this test sends, within a few samples of the sampler.
 */
@DisplayName("GET /api/stats: an admin key's live rates, latencies, 5xx/503 counts, pools, writers and files")
class StatsRoutesTest {
    static final String WRITER = Keys.generate();
    static final String ADMIN = Keys.generate();
    static final Duration WAIT = Duration.ofSeconds(15);
    static final int CREATES = 300;

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys, ApiKeys.entry("app", "read,write", WRITER) + "\n" + ApiKeys.entry("ops", "admin", ADMIN) + "\n");
        // A budget for bodies in flight that one held body nearly fills: the next one is a real 503.
        server = TestServer.start(
                dir,
                "{auth: {keys_file: '" + keys + "'}, http: {max_body_bytes: 65536, max_inflight_body_bytes: 100000}}");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static JsonObject stats() {
        return json(200, ApiKeys.send(server, HttpMethod.GET, "/api/stats", null, ADMIN));
    }

    /** Waits until the stats satisfy {@code condition}; the failure shows the last stats. */
    static JsonObject awaitStats(String what, Predicate<JsonObject> condition) {
        JsonObject[] last = {null};
        try {
            Eventually.await(what, WAIT, () -> condition.test(last[0] = stats()));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last stats: " + last[0], e);
        }
        return last[0];
    }

    static boolean any(JsonArray column, Predicate<Double> p) {
        return column.stream().anyMatch(v -> v instanceof Number n && p.test(n.doubleValue()));
    }

    @Test
    @DisplayName("without a key it is 401, with a key that lacks the admin scope 403")
    void needsTheAdminScope() {
        problem(401, server.get("/api/stats"));
        problem(403, ApiKeys.send(server, HttpMethod.GET, "/api/stats", null, WRITER));
    }

    @Test
    @DisplayName("a samples column per second, each one at most a minute long, times one second apart")
    void columnsOfSeconds() {
        JsonObject s = awaitStats(
                "three intervals sampled", x -> x.getJsonArray("time_ms").size() >= 3);
        assertEquals(1000, s.getLong("interval_ms"));
        JsonArray time = s.getJsonArray("time_ms");
        assertTrue(time.size() <= 60, time.encode());
        for (int i = 1; i < time.size(); i++) {
            long gap = time.getLong(i) - time.getLong(i - 1);
            assertTrue(gap > 500 && gap < 3_000, "samples a second apart: " + time.encode());
        }
        JsonObject workflow = s.getJsonObject("databases").getJsonObject("workflow");
        assertEquals(
                time.size(),
                workflow.getJsonObject("pool").getJsonArray("active").size());
        assertEquals(
                time.size(),
                s.getJsonObject("http").getJsonArray("requests_per_s").size());
        assertEquals(
                server.config.workflow().maxConnections(),
                workflow.getJsonObject("pool").getInteger("max"));
        assertEquals(
                server.config.workflow().writerQueueCapacity(),
                workflow.getJsonObject("writer").getInteger("queue_capacity"));
        assertTrue(
                workflow.getJsonObject("files").getJsonArray("main_bytes").getLong(time.size() - 1) > 0,
                "the database file has a size");
    }

    @Test
    @DisplayName("a load of creates shows as their rate, p50 <= p99, commits and batches of the writer, and its"
            + " count; a 503 is counted as 5xx and as 503")
    void loadShows() throws IOException {
        long before = stats().getJsonObject("http").getLong("unavailable_503_total");
        List<Future<HttpResponse<Buffer>>> creates = new ArrayList<>();
        for (int i = 0; i < CREATES; i++) {
            creates.add(server.http
                    .post("/api/workflows")
                    .putHeader("Authorization", "Bearer " + WRITER)
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(
                            new JsonObject().put("workflow_name", "load-" + i).toBuffer()));
        }
        for (Future<HttpResponse<Buffer>> f : creates) {
            assertEquals(201, TestServer.await(f).statusCode());
        }
        unavailableOnce();

        JsonObject s = awaitStats("the creates and the 503 are in the stats", x -> {
            JsonObject op = x.getJsonObject("http").getJsonObject("operations").getJsonObject("POST /api/workflows");
            return op != null
                    && op.getLong("requests_total") >= CREATES + 1
                    && x.getJsonObject("http").getLong("unavailable_503_total") > before;
        });
        JsonObject http = s.getJsonObject("http");
        JsonObject op = http.getJsonObject("operations").getJsonObject("POST /api/workflows");
        assertTrue(any(op.getJsonArray("requests_per_s"), v -> v > 0), op.encode());
        assertTrue(any(http.getJsonArray("requests_per_s"), v -> v > 0), http.encode());
        boolean quantiles = false;
        for (int i = 0; i < op.getJsonArray("p50_ms").size(); i++) {
            Number p50 = (Number) op.getJsonArray("p50_ms").getValue(i);
            Number p99 = (Number) op.getJsonArray("p99_ms").getValue(i);
            if (p50 != null) {
                quantiles = true;
                assertTrue(p50.doubleValue() > 0 && p50.doubleValue() <= p99.doubleValue(), op.encode());
            }
        }
        assertTrue(quantiles, "an interval with creates has quantiles: " + op.encode());
        assertTrue(op.getLong("errors_5xx_total") >= 1, op.encode());
        assertTrue(http.getLong("errors_5xx_total") >= http.getLong("unavailable_503_total"), http.encode());
        assertTrue(any(http.getJsonArray("unavailable_503_per_s"), v -> v > 0), http.encode());

        JsonObject writer =
                s.getJsonObject("databases").getJsonObject("workflow").getJsonObject("writer");
        assertTrue(any(writer.getJsonArray("commits_per_s"), v -> v > 0), writer.encode());
        assertTrue(any(writer.getJsonArray("writes_per_s"), v -> v > 0), writer.encode());
        assertTrue(any(writer.getJsonArray("batch_size_mean"), v -> v >= 1), writer.encode());
        assertTrue(any(writer.getJsonArray("commit_p99_ms"), v -> v > 0), writer.encode());
    }

    /**
     * One real 503: a body held half sent takes 60,000 of the 100,000 bytes that bodies in flight may hold, so
     * the next create of 50,000 bytes is refused before it is read.
     */
    static void unavailableOnce() throws IOException {
        String held = "{\"workflow_name\":\"" + "h".repeat(60_000 - 20) + "\"}";
        try (Socket holder = new Socket("127.0.0.1", server.started.port())) {
            OutputStream out = holder.getOutputStream();
            out.write(("POST /api/workflows HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + WRITER
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + held.length() + "\r\n\r\n"
                            + held.substring(0, 100))
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            Eventually.await(
                    "the held body is admitted",
                    WAIT,
                    () -> BodyBudget.of(server.vertx).used() == held.length());
            String refused = "{\"workflow_name\":\"" + "r".repeat(50_000 - 20) + "\"}";
            problem(503, ApiKeys.send(server, HttpMethod.POST, "/api/workflows", refused, WRITER));
        }
    }

    @Test
    @DisplayName("metrics.enabled false: /api/stats is a 404 that says why")
    void offMeansNone(@TempDir Path other) {
        try (TestServer off = TestServer.start(other, "metrics: {enabled: 'false'}")) {
            String detail = problem(404, off.get("/api/stats"));
            assertTrue(detail.contains("metrics.enabled"), detail);
        }
    }
}
