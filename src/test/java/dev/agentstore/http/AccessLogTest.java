package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.auth.Keys;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.LogRecords;
import dev.agentstore.support.RawHttp;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code log.access} over real HTTP: the same requests against a server in each format, and the records that the
 * logger {@code agentstore.access} receives for them, found by the request id each request sent.
 */
@DisplayName("The access log: one line per request, with the route template, the request id and the key's name")
class AccessLogTest {
    static final String READER = Keys.generate();
    static final String WRITER = Keys.generate();
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    TestServer start(String format) throws IOException {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys, ApiKeys.entry("reader", "read", READER) + "\n" + ApiKeys.entry("writer", "write", WRITER) + "\n");
        return TestServer.start(
                dir,
                new JsonObject()
                        .put("auth", new JsonObject().put("keys_file", keys.toString()))
                        .put("log", new JsonObject().put("access", format)));
    }

    /**
     * What one request should log: {@code status} -1 when no answer's head was sent, {@code bytes} -1 when the body's
     * length is not known to the test (an event stream's).
     */
    record Expected(String id, String method, String route, int status, long bytes, String key, boolean aborted) {}

    static HttpResponse<Buffer> send(
            TestServer server, HttpMethod method, String uri, String body, String key, String id) {
        var req = server.http.request(method, uri).putHeader("X-Request-Id", id);
        if (key != null) {
            req.putHeader("Authorization", "Bearer " + key);
        }
        return TestServer.await(
                body == null
                        ? req.send()
                        : req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
    }

    /** The same requests in every format: what each should log. The raw workflow id must appear in no line. */
    static List<Expected> drive(TestServer server, String prefix, List<String> raw) throws IOException {
        List<Expected> expected = new ArrayList<>();
        String createId = prefix + "-create";
        HttpResponse<Buffer> created = send(
                server,
                HttpMethod.POST,
                "/api/workflows",
                new JsonObject().put("workflow_name", "logged").encode(),
                WRITER,
                createId);
        String workflow = json(201, created).getString("id");
        raw.add(workflow);
        expected.add(new Expected(
                createId, "POST", "/api/workflows", 201, created.body().length(), "writer", false));

        String getId = prefix + "-get";
        HttpResponse<Buffer> got = send(server, HttpMethod.GET, "/api/workflows/" + workflow, null, READER, getId);
        assertEquals(200, got.statusCode());
        expected.add(
                new Expected(getId, "GET", "/api/workflows/:id", 200, got.body().length(), "reader", false));

        String historyId = prefix + "-history";
        HttpResponse<Buffer> history =
                send(server, HttpMethod.GET, "/api/workflows/" + workflow + "/history", null, READER, historyId);
        assertEquals(200, history.statusCode());
        expected.add(new Expected(
                historyId,
                "GET",
                "/api/workflows/:id/history",
                200,
                history.body().length(),
                "reader",
                false));

        String refusedId = prefix + "-403";
        HttpResponse<Buffer> refused = send(server, HttpMethod.POST, "/api/workflows", "{}", READER, refusedId);
        assertEquals(403, refused.statusCode());
        expected.add(new Expected(
                refusedId, "POST", "/api/workflows", 403, refused.body().length(), "reader", false));

        String anonymousId = prefix + "-401";
        HttpResponse<Buffer> anonymous = send(server, HttpMethod.GET, "/api/articles", null, null, anonymousId);
        assertEquals(401, anonymous.statusCode());
        expected.add(new Expected(
                anonymousId, "GET", "/api/articles", 401, anonymous.body().length(), null, false));

        String missingId = prefix + "-404";
        HttpResponse<Buffer> missing = send(server, HttpMethod.GET, "/nowhere/" + workflow, null, READER, missingId);
        assertEquals(404, missing.statusCode());
        expected.add(new Expected(
                missingId, "GET", AccessLog.UNMATCHED, 404, missing.body().length(), null, false));

        String undecodedId = prefix + "-bad-version";
        RawHttp.Response undecoded = RawHttp.exchangeOne(
                server.started.port(),
                RawHttp.latin1("GET /api/workflows/" + workflow + " HTTP/2.0\r\nHost: localhost\r\nX-Request-Id: "
                        + undecodedId + "\r\n\r\n"),
                false,
                false,
                10_000);
        assertEquals(400, undecoded.status());
        expected.add(new Expected(undecodedId, "GET", AccessLog.UNMATCHED, 400, undecoded.body().length, null, false));

        // a body that never comes: the client hangs up before the answer
        String abortedId = prefix + "-aborted";
        try (Socket socket = new Socket("127.0.0.1", server.started.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.latin1("POST /api/articles HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + WRITER
                    + "\r\nX-Request-Id: " + abortedId + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"id\":"));
            out.flush();
            Eventually.await(
                    "the body is being read",
                    WAIT,
                    () -> BodyBudget.of(server.vertx).used() == 100);
        }
        expected.add(new Expected(abortedId, "POST", "/api/articles", -1, 0, "writer", true));

        // an event stream the client leaves: its head was sent, its answer never ends
        String streamId = prefix + "-stream";
        long open = StreamCounters.of(server.vertx).open.get();
        try (Socket socket = new Socket("127.0.0.1", server.started.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.latin1("GET /api/changes/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + READER + "\r\nX-Request-Id: " + streamId + "\r\nAccept: text/event-stream\r\n\r\n"));
            out.flush();
            Eventually.await(
                    "the stream is open",
                    WAIT,
                    () -> StreamCounters.of(server.vertx).open.get() == open + 1);
        }
        expected.add(new Expected(streamId, "GET", "/api/changes/stream", 200, -1, "reader", true));
        return expected;
    }

    static List<LogRecord> access(LogRecords logs) {
        return logs.records().stream()
                .filter(r -> AccessLog.LOGGER.equals(r.getLoggerName()))
                .toList();
    }

    static LogRecord lineOf(LogRecords logs, String id) {
        Eventually.await(
                "an access line for " + id,
                WAIT,
                () -> access(logs).stream()
                        .anyMatch(r -> r.getMessage().contains(" " + id + " ")
                                || r.getMessage().contains("\"" + id + "\"")));
        List<LogRecord> mine = access(logs).stream()
                .filter(r -> r.getMessage().contains(" " + id + " ")
                        || r.getMessage().contains("\"" + id + "\""))
                .toList();
        assertEquals(1, mine.size(), "one line per request: " + LogRecords.describe(mine));
        assertEquals(Level.INFO, mine.get(0).getLevel());
        return mine.get(0);
    }

    /** No line names a key, its hash or a raw id of the path. */
    static void noSecretsNorRawIds(LogRecords logs, List<String> raw) {
        List<LogRecord> lines = access(logs);
        assertFalse(lines.isEmpty());
        for (LogRecord r : lines) {
            for (String secret : List.of(READER, WRITER, ApiKeys.hash(READER), ApiKeys.hash(WRITER))) {
                assertFalse(r.getMessage().contains(secret), "a key in: " + r.getMessage());
            }
            for (String id : raw) {
                assertFalse(r.getMessage().contains(id), "the raw path in: " + r.getMessage());
            }
        }
    }

    static final Pattern PLAIN =
            Pattern.compile("(\\S+) (\\S+) (\\d{3}|-) (\\d+\\.\\d{3}) (\\d+) (\\S+) (\\S+)( aborted)?");

    @Test
    @DisplayName("plain: METHOD ROUTE STATUS MS BYTES REQUEST_ID KEY, '-' for no route or no key, 'aborted' at the end"
            + " when the client hung up")
    void plainLines() throws IOException {
        List<String> raw = new ArrayList<>();
        try (LogRecords logs = LogRecords.capture(Level.INFO);
                TestServer server = start("plain")) {
            for (Expected e : drive(server, "plain", raw)) {
                String line = lineOf(logs, e.id()).getMessage();
                Matcher m = PLAIN.matcher(line);
                assertTrue(m.matches(), line);
                assertEquals(e.method(), m.group(1), line);
                assertEquals(e.route(), m.group(2), line);
                assertEquals(e.id(), m.group(6), line);
                assertEquals(e.key() == null ? AccessLog.UNMATCHED : e.key(), m.group(7), line);
                assertEquals(e.aborted(), m.group(8) != null, line);
                if (e.status() < 0) {
                    assertEquals(AccessLog.UNMATCHED, m.group(3), "no answer was sent: " + line);
                } else {
                    assertEquals(e.status(), Integer.parseInt(m.group(3)), line);
                    if (e.bytes() >= 0) {
                        assertEquals(e.bytes(), Long.parseLong(m.group(5)), line);
                    }
                }
            }
            noSecretsNorRawIds(logs, raw);
        }
    }

    @Test
    @DisplayName("json: one object a line, with time, method, route, status, duration_ms, bytes, request_id and key")
    void jsonLines() throws IOException {
        List<String> raw = new ArrayList<>();
        try (LogRecords logs = LogRecords.capture(Level.INFO);
                TestServer server = start("json")) {
            for (Expected e : drive(server, "json", raw)) {
                JsonObject line = new JsonObject(lineOf(logs, e.id()).getMessage());
                assertNotNull(Instant.parse(line.getString("time")), line.encode());
                assertEquals(e.method(), line.getString("method"), line.encode());
                assertEquals(e.route(), line.getString("route"), line.encode());
                assertEquals(e.id(), line.getString("request_id"), line.encode());
                assertEquals(e.key(), line.getString("key"), line.encode());
                assertTrue(line.getValue("duration_ms") instanceof Number, line.encode());
                assertTrue(line.getDouble("duration_ms") >= 0, line.encode());
                if (e.aborted()) {
                    assertEquals(Boolean.TRUE, line.getBoolean("aborted"), line.encode());
                } else {
                    assertNull(line.getValue("aborted"), line.encode());
                }
                if (e.status() < 0) {
                    assertTrue(line.containsKey("status") && line.getValue("status") == null, line.encode());
                } else {
                    assertEquals(e.status(), line.getInteger("status"), line.encode());
                    if (e.bytes() >= 0) {
                        assertEquals(e.bytes(), line.getLong("bytes"), line.encode());
                    }
                }
            }
            noSecretsNorRawIds(logs, raw);
        }
    }

    @Test
    @DisplayName("off: nothing on agentstore.access, while the same requests were answered")
    void offLogsNothing() throws IOException {
        try (LogRecords logs = LogRecords.capture(Level.INFO);
                TestServer server = start("off")) {
            drive(server, "off", new ArrayList<>());
            // One connection: an answer on it comes after the end handlers of every request before it ran.
            WebClient one = WebClient.create(
                    server.vertx,
                    new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.started.port()),
                    new PoolOptions().setHttp1MaxSize(1));
            try {
                for (int i = 0; i < 20; i++) {
                    assertEquals(
                            200,
                            TestServer.await(one.get("/api/health/live").send()).statusCode());
                }
            } finally {
                one.close();
            }
            assertEquals(
                    List.of(), access(logs).stream().map(LogRecord::getMessage).toList());
            Optional<LogRecord> started = logs.records().stream()
                    .filter(r -> r.getLoggerName().startsWith("dev.agentstore"))
                    .findAny();
            assertTrue(started.isPresent(), "INFO records were captured: the check above checks something");
        }
    }
}
