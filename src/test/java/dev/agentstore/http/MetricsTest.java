package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.auth.Keys;
import dev.agentstore.store.migration.Migrations;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /metrics on the real server, two databases, API keys. Every scrape is parsed by Prometheus's own text
 * parser, {@code promtool check metrics} (Debian's prometheus package; .ci/run installs it): a text it cannot
 * parse fails the test, and so does a lint problem in any metric of ours. The samples are then read from the
 * text that promtool accepted, to check names, labels and values.
 */
@DisplayName("GET /metrics: Prometheus text for an admin key, routes by template, meters per database")
class MetricsTest {
    static final String READER = Keys.generate();
    static final String ADMIN = Keys.generate();
    static final Pattern UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", Pattern.CASE_INSENSITIVE);
    /**
     * The lint problems promtool finds in Micrometer's own JVM meters (their names carry "ms", "ns", "_count"):
     * not ours to rename. Any other one fails the test.
     */
    static final Set<String> FOREIGN_LINT =
            Set.of("jvm_compilation_time_ms_total", "process_cpu_time_ns_total", "system_cpu_count");

    @TempDir
    static Path dir;

    static TestServer server;
    static String workflow;

    @BeforeAll
    static void start() throws IOException {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                ApiKeys.entry("reader", "read,write", READER) + "\n" + ApiKeys.entry("ops", "admin", ADMIN) + "\n");
        server = TestServer.start(
                dir,
                new JsonObject()
                        .put("auth", new JsonObject().put("keys_file", keys.toString()))
                        .put(
                                "database",
                                new JsonObject().put("agent_versions", new JsonObject().put("path", "agents.db"))));
        workflow = json(
                        201,
                        send(
                                HttpMethod.POST,
                                "/api/workflows",
                                new JsonObject().put("workflow_name", "m").encode()))
                .getString("id");
        json(
                201,
                send(
                        HttpMethod.POST,
                        "/api/agents/a/versions",
                        new JsonObject().put("version", "1").put("code", "c").encode()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<Buffer> send(HttpMethod method, String uri, String body) {
        return ApiKeys.send(server, method, uri, body, READER);
    }

    @Test
    @DisplayName("without a key it is 401, with a key that lacks the admin scope 403")
    void needsTheAdminScope() {
        problem(401, server.get("/metrics"));
        problem(403, ApiKeys.send(server, HttpMethod.GET, "/metrics", null, READER));
    }

    @Test
    @DisplayName(
            "an admin key gets text/plain version 0.0.4 that Prometheus's parser accepts, ours without a lint problem")
    void isPrometheusText() throws Exception {
        HttpResponse<Buffer> r = ApiKeys.send(server, HttpMethod.GET, "/metrics", null, ADMIN);
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.getHeader("Content-Type"));
        Scrape s = Scrape.parse(r.bodyAsString());
        assertTrue(s.samples.size() > 200, "a full scrape: " + s.samples.size() + " samples");
    }

    @Test
    @DisplayName("a GET of a workflow counts under its route template; no label holds an id, a uuid or a key")
    void routesAreTemplates() throws Exception {
        assertEquals(
                200, send(HttpMethod.GET, "/api/workflows/" + workflow, null).statusCode());
        assertEquals(
                404,
                send(HttpMethod.GET, "/api/workflows/" + java.util.UUID.randomUUID(), null)
                        .statusCode());
        // any token is a method: one made up is counted as "other", not as a label value of its own
        ApiKeys.send(server, HttpMethod.valueOf("XYZZY"), "/api/workflows/" + workflow, null, READER);
        Scrape s = scrape();
        assertTrue(s.samples.stream()
                .anyMatch(x -> x.name.equals("vertx_http_server_response_time_seconds_count")
                        && "other".equals(x.labels.get("method"))));
        assertFalse(s.samples.stream().anyMatch(x -> "XYZZY".equals(x.labels.get("method"))));
        assertTrue(s.value(
                        "vertx_http_server_response_time_seconds_count",
                        Map.of("route", "/api/workflows/:id", "method", "GET", "code", "200"))
                >= 1);
        assertTrue(s.value(
                        "vertx_http_server_response_time_seconds_count",
                        Map.of("route", "/api/workflows/:id", "method", "GET", "code", "404"))
                >= 1);
        assertTrue(
                s.has(
                        "vertx_http_server_response_time_seconds_bucket",
                        Map.of("route", "/api/workflows/:id", "le", "+Inf")),
                "latency histogram buckets by route");
        for (Sample sample : s.samples) {
            assertFalse(sample.labels.containsKey("path"), "no raw path label: " + sample);
            for (String v : sample.labels.values()) {
                assertFalse(UUID.matcher(v).find(), "a uuid in a label: " + sample);
                assertFalse(
                        v.contains(READER) || v.contains(ADMIN) || v.contains(ApiKeys.hash(ADMIN)),
                        "a key in a label: " + sample);
                assertFalse(v.startsWith("__vertx"), "a reply address as a label: " + sample);
            }
        }
    }

    @Test
    @DisplayName("requests, bus timings and writer counts grow with the requests made")
    void countsGrow() throws Exception {
        Map<String, String> gets = Map.of("route", "/api/workflows/:id", "method", "GET", "code", "200");
        Map<String, String> busGets = Map.of("address", "agentstore.workflows", "action", "get", "outcome", "ok");
        Map<String, String> committed = Map.of("database", "workflow", "outcome", "committed");
        Scrape before = scrape();
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    200,
                    send(HttpMethod.GET, "/api/workflows/" + workflow, null).statusCode());
        }
        assertEquals(
                201,
                send(
                                HttpMethod.POST,
                                "/api/workflows",
                                new JsonObject().put("workflow_name", "n").encode())
                        .statusCode());
        // The server counts a response once it is written: the client may read it a moment before.
        Eventually.await("the three GETs counted", Duration.ofSeconds(10), () -> {
            Scrape after = scrape();
            return after.value("vertx_http_server_response_time_seconds_count", gets)
                                    - before.value("vertx_http_server_response_time_seconds_count", gets)
                            == 3
                    && after.value("agentstore_bus_request_seconds_count", busGets)
                                    - before.value("agentstore_bus_request_seconds_count", busGets)
                            == 3
                    && after.value("agentstore_writer_requests_total", committed)
                                    - before.value("agentstore_writer_requests_total", committed)
                            == 1
                    && after.value("agentstore_writer_batch_size_count", Map.of("database", "workflow"))
                            > before.value("agentstore_writer_batch_size_count", Map.of("database", "workflow"))
                    && after.value("agentstore_writer_commit_seconds_count", Map.of("database", "workflow"))
                            > before.value("agentstore_writer_commit_seconds_count", Map.of("database", "workflow"));
        });
    }

    @Test
    @DisplayName("each database has its pool, writer, file and schema gauges")
    void gaugesPerDatabase() throws Exception {
        Scrape s = scrape();
        for (String db : List.of("workflow", "agent_versions")) {
            Map<String, String> tag = Map.of("database", db);
            assertTrue(
                    s.value("agentstore_pool_connections_idle", tag)
                                    + s.value("agentstore_pool_connections_active", tag)
                            >= 10,
                    db);
            assertEquals(30, s.value("agentstore_pool_connections_max", tag), db);
            assertEquals(0, s.value("agentstore_pool_awaiting", tag), db);
            assertTrue(s.value("agentstore_pool_connections_opened_total", tag) >= 10, db);
            assertEquals(0, s.value("agentstore_pool_leaks_detected_total", tag), db);
            assertTrue(s.has("agentstore_pool_acquire_wait_seconds_total", tag), db);
            assertEquals(0, s.value("agentstore_writer_queue_depth", tag), db);
            assertEquals(10_000, s.value("agentstore_writer_queue_capacity", tag), db);
            assertTrue(
                    s.value("agentstore_writer_requests_total", Map.of("database", db, "outcome", "committed")) >= 1,
                    db);
            assertEquals(
                    0, s.value("agentstore_writer_requests_total", Map.of("database", db, "outcome", "rejected")), db);
            Path file = db.equals("workflow") ? server.workflowDb() : dir.resolve("agents.db");
            Map<String, String> main = Map.of("database", db, "file", "main");
            assertTrue(s.value("agentstore_database_file_size_bytes", main) > 0, db);
            assertTrue(s.has("agentstore_database_file_size_bytes", Map.of("database", db, "file", "wal")), db);
            assertTrue(Files.size(file) > 0);
            assertEquals(Migrations.classpath().latest(), s.value("agentstore_database_schema_version", tag), db);
        }
    }

    @Test
    @DisplayName("open connections are counted while they are open, and no longer once closed")
    void connections() throws Exception {
        Map<String, String> none = Map.of();
        double base = scrape().value("vertx_http_server_active_connections", none);
        List<java.net.Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(new java.net.Socket("127.0.0.1", server.started.port()));
            }
            Eventually.await(
                    "three more connections",
                    Duration.ofSeconds(10),
                    () -> scrape().value("vertx_http_server_active_connections", none) >= base + 3);
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
        Eventually.await(
                "the three closed",
                Duration.ofSeconds(10),
                () -> scrape().value("vertx_http_server_active_connections", none) <= base);
    }

    @Test
    @DisplayName("the JVM: heap, garbage collection, threads, CPU")
    void jvm() throws Exception {
        Scrape s = scrape();
        assertTrue(s.has("jvm_memory_used_bytes", Map.of("area", "heap")), "heap by pool");
        assertTrue(s.has("jvm_memory_max_bytes", Map.of("area", "heap")));
        assertTrue(s.has("jvm_gc_memory_allocated_bytes_total", Map.of()), "GC");
        assertTrue(s.value("jvm_threads_live_threads", Map.of()) > 0);
        assertTrue(s.has("process_cpu_usage", Map.of()));
    }

    @Test
    @DisplayName("metrics.enabled false: a Vert.x without metrics, and /metrics is a 404 that says why")
    void offMeansNone(@TempDir Path other) {
        // quoted: as a config file's text reaches the parser (TestServer's YAML would give a Boolean)
        try (TestServer off = TestServer.start(other, "metrics: {enabled: 'false'}")) {
            assertFalse(off.vertx.isMetricsEnabled());
            String detail = problem(404, off.get("/metrics"));
            assertTrue(detail.contains("metrics.enabled"), detail);
        }
    }

    static Scrape scrape() {
        HttpResponse<Buffer> r = ApiKeys.send(server, HttpMethod.GET, "/metrics", null, ADMIN);
        assertEquals(200, r.statusCode());
        try {
            return Scrape.parse(r.bodyAsString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    record Sample(String name, Map<String, String> labels, double value) {}

    /** A scrape that promtool parsed, and its samples. */
    record Scrape(List<Sample> samples) {
        static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\d+)?");
        static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

        static Scrape parse(String text) throws IOException, InterruptedException {
            promtool(text);
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = SAMPLE.matcher(line);
                assertTrue(m.matches(), "a sample line: " + line);
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    int end = 0;
                    while (l.find() && l.start() == end) {
                        labels.put(l.group(1), l.group(2));
                        end = l.end();
                    }
                    assertEquals(m.group(2).length(), end, "labels of " + line);
                }
                samples.add(new Sample(
                        m.group(1), labels, Double.parseDouble(m.group(3).replace("Inf", "Infinity"))));
            }
            return new Scrape(samples);
        }

        /** Parses the text with Prometheus's own parser; fails on a parse error and on a lint problem of ours. */
        static void promtool(String text) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
            // 0: clean; 3: lint problems only (a parse error is 1)
            assertTrue(
                    p.exitValue() == 0 || p.exitValue() == 3,
                    "promtool check metrics: exit " + p.exitValue() + "\n" + out);
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    String metric = line.split(" ", 2)[0];
                    assertTrue(FOREIGN_LINT.contains(metric), "promtool: " + line);
                }
            }
        }

        /** The one sample of {@code name} whose labels include {@code labels}; 0 when there is none yet. */
        double value(String name, Map<String, String> labels) {
            List<Sample> found = matching(name, labels);
            assertTrue(found.size() <= 1, "more than one " + name + " " + labels + ": " + found);
            return found.isEmpty() ? 0 : found.get(0).value;
        }

        boolean has(String name, Map<String, String> labels) {
            return !matching(name, labels).isEmpty();
        }

        private List<Sample> matching(String name, Map<String, String> labels) {
            return samples.stream()
                    .filter(s -> s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet()))
                    .toList();
        }
    }
}
