package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.auth.Keys;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.RawHttp;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code X-Request-Id} over real HTTP, on a server with keys and small body limits, so that every kind of answer
 * can be reached: the client's valid id is echoed, an invalid one replaced and never echoed, a fresh one unique,
 * and every problem, from whichever layer refuses the request, names in its body the id of its header.
 */
@DisplayName("Request ids: accepted when valid, else made, on every answer and in every problem body")
class RequestIdsTest {
    static final String ALL = Keys.generate();
    static final String READER = Keys.generate();
    static final String SPENT = Keys.generate();
    /** What this server makes: its prefix, a dash, a counter in hex. */
    static final Pattern GENERATED = Pattern.compile("[0-9a-f]{16}-[0-9a-f]+");

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                String.join(
                        "\n",
                        ApiKeys.entry("all", "read,write,admin", ALL),
                        ApiKeys.entry("reader", "read", READER),
                        // one request, then 429 for the rest of the test
                        ApiKeys.entry("spent", "read", SPENT, "rps=0.001", "burst=1"),
                        ""));
        server = TestServer.start(
                dir,
                new JsonObject()
                        .put("auth", new JsonObject().put("keys_file", keys.toString()))
                        .put(
                                "http",
                                new JsonObject().put("max_body_bytes", 1024).put("max_inflight_body_bytes", 1024)));
        assertEquals(
                200,
                ApiKeys.send(server, HttpMethod.GET, "/api/workflows", null, SPENT)
                        .statusCode());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<Buffer> get(String uri, String requestId) {
        var req = server.http.get(uri).putHeader("Authorization", "Bearer " + ALL);
        if (requestId != null) {
            req.putHeader("X-Request-Id", requestId);
        }
        return TestServer.await(req.send());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validIds")
    @DisplayName("a valid X-Request-Id comes back as it was sent")
    void validIdIsEchoed(String id) {
        HttpResponse<Buffer> r = get("/api/workflows", id);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertEquals(id, r.getHeader("X-Request-Id"));
    }

    static Stream<String> validIds() {
        return Stream.of(
                "a",
                "9f1c2b3a-0d4e-4f5a-8b6c-7d8e9f0a1b2c",
                "trace.id_1:span-2",
                "x".repeat(RequestIds.MAX_LENGTH),
                "UPPER.lower-0123456789");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidIds")
    @DisplayName("an invalid X-Request-Id is no error: the answer carries a fresh id instead, and not the one sent")
    void invalidIdIsReplaced(String what, String header) throws IOException {
        String request = "GET /api/workflows HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ALL + "\r\n"
                + header + "Connection: close\r\n\r\n";
        RawHttp.Response r = RawHttp.exchangeOne(server.started.port(), RawHttp.latin1(request), false, false, 10_000);
        assertEquals(200, r.status(), r.head());
        String id = r.header("X-Request-Id");
        assertNotNull(id, r.head());
        assertTrue(GENERATED.matcher(id).matches(), id);
        String sent = header.substring(header.indexOf(':') + 1).strip();
        if (!sent.isEmpty()) {
            assertFalse(r.head().contains(sent), "the sent id is echoed: " + r.head());
        }
    }

    static Stream<Arguments> invalidIds() {
        return Stream.of(
                Arguments.of("empty", "X-Request-Id: \r\n"),
                Arguments.of(
                        "one character too long", "X-Request-Id: " + "y".repeat(RequestIds.MAX_LENGTH + 1) + "\r\n"),
                Arguments.of("a space", "X-Request-Id: two words\r\n"),
                Arguments.of("%-escapes", "X-Request-Id: id%0d%0aSet-Cookie:x\r\n"),
                Arguments.of("a slash and quotes", "X-Request-Id: \"a/b\"\r\n"),
                Arguments.of("not ASCII", "X-Request-Id: caf\u00e9\r\n"),
                Arguments.of("a semicolon", "X-Request-Id: a;b\r\n"),
                Arguments.of("given twice", "X-Request-Id: first-of-two\r\nX-Request-Id: second-of-two\r\n"));
    }

    @Test
    @DisplayName("a request without X-Request-Id gets a fresh one; 200 concurrent requests get 200 different ids")
    void generatedIdsAreUnique() {
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(server.http.get("/api/health/live").send());
        }
        Set<String> ids = new HashSet<>();
        for (Future<HttpResponse<Buffer>> f : sent) {
            HttpResponse<Buffer> r = TestServer.await(f);
            assertEquals(200, r.statusCode());
            String id = r.getHeader("X-Request-Id");
            assertTrue(GENERATED.matcher(id).matches(), id);
            ids.add(id);
        }
        assertEquals(200, ids.size(), "every request has an id of its own");
    }

    /** A request that some layer refuses, with the status it gets. */
    record Refused(String what, int status, String request) {
        @Override
        public String toString() {
            return status + " " + what;
        }
    }

    static Stream<Refused> refused() {
        String all = "Authorization: Bearer " + ALL + "\r\n";
        String json = "Content-Type: application/json\r\n";
        return Stream.of(
                new Refused("a malformed %-escape (Uris)", 400, "GET /api/workflows/%zz HTTP/1.1\r\n" + all),
                new Refused(
                        "a body that is not JSON",
                        400,
                        "POST /api/workflows HTTP/1.1\r\n" + all + json + "Content-Length: 3\r\n\r\n{{{"),
                new Refused("an unknown query parameter", 400, "GET /api/workflows?nope=1 HTTP/1.1\r\n" + all),
                new Refused("no key (Gate)", 401, "GET /api/workflows HTTP/1.1\r\n"),
                new Refused(
                        "a key without the scope (Gate)",
                        403,
                        "POST /api/workflows HTTP/1.1\r\nAuthorization:" + " Bearer " + READER + "\r\n" + json
                                + "Content-Length: 2\r\n\r\n{}"),
                new Refused(
                        "a key past its rate limit (Gate)",
                        429,
                        "GET /api/workflows HTTP/1.1\r\nAuthorization:" + " Bearer " + SPENT + "\r\n"),
                new Refused("no route (the router)", 404, "GET /nowhere HTTP/1.1\r\n"),
                new Refused("an id the store does not have", 404, "GET /api/workflows/nothing HTTP/1.1\r\n" + all),
                new Refused(
                        "a method the path does not take (the router)",
                        405,
                        "DELETE /api/workflows HTTP/1.1\r\n" + all),
                new Refused(
                        "a body over max_body_bytes (BodyReader)",
                        413,
                        "POST /api/workflows HTTP/1.1\r\n" + all + json + "Content-Length: 2000\r\n\r\n"
                                + " ".repeat(2000)),
                new Refused(
                        "a body that is not JSON (ContentTypes)",
                        415,
                        "POST /api/workflows HTTP/1.1\r\n" + all
                                + "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}"),
                new Refused(
                        "an expectation (BodyReader)",
                        417,
                        "POST /api/workflows HTTP/1.1\r\n" + all + json
                                + "Expect: something\r\nContent-Length: 2\r\n\r\n{}"),
                new Refused("a version that is not HTTP/1.1 (HttpVersions)", 400, "GET /api/workflows HTTP/2.0\r\n"),
                new Refused("a request line too long (the decoder)", 414, "GET /" + "a".repeat(5000) + " HTTP/1.1\r\n"),
                new Refused(
                        "headers too large (the decoder)",
                        431,
                        "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(9000) + "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    @DisplayName("every problem carries the request's id, in X-Request-Id and as request_id; the client's when its"
            + " head was read")
    void problemNamesTheRequestId(Refused refused) throws IOException {
        String id = "problem-" + refused.status() + "-"
                + Integer.toHexString(refused.what().hashCode());
        String request = refused.request();
        int lineEnd = request.indexOf("\r\n") + 2;
        // the id right after the request line; a body, if any, after the head
        String withId = request.substring(0, lineEnd) + "Host: localhost\r\nX-Request-Id: " + id + "\r\n"
                + request.substring(lineEnd);
        if (!withId.contains("\r\n\r\n")) {
            withId += "\r\n";
        }
        RawHttp.Response r = RawHttp.exchangeOne(server.started.port(), RawHttp.latin1(withId), false, false, 10_000);
        assertEquals(refused.status(), r.status(), r.head());
        assertEquals(Problems.CONTENT_TYPE, r.header("Content-Type"));
        JsonObject body = new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
        String header = r.header("X-Request-Id");
        assertNotNull(header, r.head());
        assertEquals(header, body.getString("request_id"), body.encode());
        boolean decoderRefused = refused.status() == 414 || refused.status() == 431;
        if (decoderRefused) {
            assertTrue(GENERATED.matcher(header).matches(), "a head that did not decode: a fresh id, " + header);
        } else {
            assertEquals(id, header, "the client's id");
        }
    }

    @Test
    @DisplayName("a 503 for bodies in flight (BodyReader's budget) carries the request's id too")
    void overloadNamesTheRequestId() throws IOException {
        try (Socket holder = new Socket("127.0.0.1", server.started.port());
                Socket other = new Socket("127.0.0.1", server.started.port())) {
            other.setSoTimeout(10_000);
            OutputStream hold = holder.getOutputStream();
            hold.write(RawHttp.latin1("POST /api/articles HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ALL
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":"));
            hold.flush();
            Eventually.await(
                    "the held body is admitted",
                    Duration.ofSeconds(10),
                    () -> BodyBudget.of(server.vertx).used() == 1000);
            other.getOutputStream()
                    .write(RawHttp.latin1(
                            "POST /api/articles HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ALL
                                    + "\r\nX-Request-Id: overloaded-1\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 100\r\n\r\n"));
            String answer = readAnswer(other.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
            assertTrue(
                    Pattern.compile("(?i)\r\nX-Request-Id: overloaded-1\r\n")
                            .matcher(answer)
                            .find(),
                    answer);
            assertTrue(answer.contains("\"request_id\":\"overloaded-1\""), answer);
        }
        Eventually.await(
                "the held body is given back",
                Duration.ofSeconds(10),
                () -> BodyBudget.of(server.vertx).used() == 0);
    }

    /** Reads a head and a Content-Length body. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder got = new StringBuilder();
        int length = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return got.toString();
            }
            got.append((char) c);
            int end = got.indexOf("\r\n\r\n");
            if (end >= 0 && length < 0) {
                var m = Pattern.compile("(?i)content-length: (\\d+)").matcher(got);
                length = m.find() ? Integer.parseInt(m.group(1)) : 0;
            }
            if (end >= 0 && got.length() >= end + 4 + length) {
                return got.toString();
            }
        }
    }

    @Test
    @DisplayName("the id of a success is echoed on it too, and the same client's next request gets another")
    void successCarriesTheId() {
        String created = json(
                        201,
                        ApiKeys.send(
                                server,
                                HttpMethod.POST,
                                "/api/workflows",
                                new JsonObject().put("workflow_name", "ids").encode(),
                                ALL))
                .getString("id");
        HttpResponse<Buffer> first = get("/api/workflows/" + created, null);
        HttpResponse<Buffer> second = get("/api/workflows/" + created, null);
        assertEquals(200, first.statusCode());
        assertNotEquals(first.getHeader("X-Request-Id"), second.getHeader("X-Request-Id"));
    }
}
