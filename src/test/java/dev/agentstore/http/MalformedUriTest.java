package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.LogRecords;
import dev.agentstore.support.RawHttp;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("A path or query string that does not decode exactly is a 400 that names the part, and logs nothing")
@RealServer
class MalformedUriTest {
    static TestServer server;
    static LogRecords logs;

    @BeforeAll
    static void captureLogs() {
        logs = LogRecords.capture();
    }

    @AfterAll
    static void nothingLogged() {
        logs.close();
        assertEquals("", LogRecords.describe(logs.records()), "no warning, no stack trace for a client's bad URI");
    }

    static Stream<Arguments> malformed() {
        String escape = " (% and two hex digits; a literal % is %25)";
        return Stream.of(
                Arguments.of(
                        "/api/articles?url=%zz",
                        "the query string (parameter 'url') has a malformed %-escape at character 4: '%zz'" + escape),
                Arguments.of(
                        "/api/workflows?limit=%0",
                        "the query string (parameter 'limit') has a malformed %-escape at character 6: '%0'" + escape),
                Arguments.of(
                        "/api/articles?%zz=1",
                        "the query string has a malformed %-escape at character 0: '%zz=1'" + escape),
                Arguments.of("/api/articles/%zz", "the path has a malformed %-escape at character 14: '%zz'" + escape),
                Arguments.of("/api/workflows/%", "the path has a malformed %-escape at character 15: '%'" + escape),
                Arguments.of(
                        "/api/workflows/%zz/history",
                        "the path has a malformed %-escape at character 15: '%zz/history'" + escape),
                Arguments.of("/%", "the path has a malformed %-escape at character 1: '%'" + escape),
                Arguments.of(
                        "/api/articles/%C0%AF", "the path has %-escapes that are not UTF-8 at character 14: '%C0%AF'"),
                Arguments.of(
                        "/api/articles?url=%ED%A0%80",
                        "the query string (parameter 'url') has %-escapes that are not UTF-8 at character 4: '%ED%A0%80'"),
                Arguments.of(
                        "/api/agents/%F0%9F%98/versions",
                        "the path has %-escapes that are not UTF-8 at character 12: '%F0%9F%98/ve'"),
                Arguments.of(
                        "/api/articles/%E9t%E9",
                        "the path has %-escapes that are not UTF-8 at character 14: '%E9t%E9'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    @DisplayName("a malformed %-escape, or %-escapes that are not UTF-8, is a 400 saying where")
    void malformedIsRefused(String uri, String detail) {
        assertEquals(detail, problem(400, server.get(uri)));
    }

    @Test
    @DisplayName("a write whose path or query is malformed writes nothing")
    void malformedWriteWritesNothing() {
        String body = new JsonObject().put("version", "1").put("code", "c").encode();
        problem(400, server.send(HttpMethod.POST, "/api/agents/%C0%AF/versions", body));
        problem(400, server.send(HttpMethod.POST, "/api/agents/a%zz/versions", body));
        problem(400, server.send(HttpMethod.POST, "/api/workflows?x=%zz", "{\"workflow_name\":\"w\"}"));
        assertEquals(0, json(200, server.get("/api/agents")).getInteger("count"));
        assertEquals(0, json(200, server.get("/api/workflows")).getInteger("count"));
    }

    @Test
    @DisplayName("well-formed escapes of any character, astral ones included, still reach the route decoded")
    void wellFormedEscapesWork() {
        String id = "a/b %😀é";
        json(
                201,
                server.send(
                        HttpMethod.POST,
                        "/api/articles",
                        new JsonObject().put("id", id).put("url", "u")));
        JsonObject got = json(200, server.get("/api/articles/a%2Fb%20%25%F0%9F%98%80%C3%A9"));
        assertEquals(id, got.getString("id"));
        JsonObject listed = json(200, server.get("/api/articles?url=u&limit=%31"));
        assertEquals(1, listed.getInteger("limit"));
    }

    static Stream<Arguments> rawBytes() {
        return Stream.of(
                Arguments.of(
                        "GET /api/articles/\u00c3\u00a9 HTTP/1.1",
                        "the path has a character that must be %-escaped at character 14: byte 0xC3"),
                Arguments.of(
                        "GET /api/articles/a\u0001b HTTP/1.1",
                        "the path has a character that must be %-escaped at character 15: byte 0x01"),
                Arguments.of(
                        "GET /api/articles?url=\u00ff HTTP/1.1",
                        "the query string (parameter 'url') has a character that must be %-escaped at character 4:"
                                + " byte 0xFF"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawBytes")
    @DisplayName("a raw control character or non-ASCII byte in the request line is a 400: it must be %-escaped")
    void rawByteIsRefused(String line, String detail) throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(
                server.started.port(),
                RawHttp.latin1(line + "\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
                5_000);
        assertEquals(400, answer.status(), answer.text());
        assertEquals("application/problem+json", answer.header("Content-Type"));
        assertEquals(detail, new JsonObject(answer.body()).getString("detail"));
    }

    static Stream<Arguments> undecodable() {
        return Stream.of(
                Arguments.of(
                        "GET /api/articles/a b HTTP/1.1\r\nHost: localhost\r\n\r\n",
                        400,
                        "the request is not valid HTTP/1.1"),
                Arguments.of(
                        "GET /api/articles/" + "x".repeat(5000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
                        414,
                        "the request line is longer than 4096 bytes"),
                Arguments.of(
                        "GET /api/articles HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(9000) + "\r\n\r\n",
                        431,
                        "the request headers are larger than 8192 bytes"),
                // Vert.x answered these with a bare 501 Not Implemented, in the version the client wrote
                Arguments.of(
                        "GET /api/health/live HTTP/2.0\r\nHost: localhost\r\n\r\n",
                        400,
                        "the request is not valid HTTP/1.1: the request line must end in HTTP/1.1 or HTTP/1.0"
                                + " (in upper case), not HTTP/2.0"),
                Arguments.of(
                        "POST /api/alerts XYZ/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}",
                        400,
                        "the request is not valid HTTP/1.1: the request line must end in HTTP/1.1 or HTTP/1.0"
                                + " (in upper case), not XYZ/1.1"),
                Arguments.of(
                        "GET /api/health/live http/1.1\r\nHost: localhost\r\n\r\n",
                        400,
                        "the request is not valid HTTP/1.1: the request line must end in HTTP/1.1 or HTTP/1.0"
                                + " (in upper case)"),
                Arguments.of(
                        "GET /api/health/live HTTP/0.9\r\nHost: localhost\r\n\r\n",
                        400,
                        "the request is not valid HTTP/1.1: the request line must end in HTTP/1.1 or HTTP/1.0"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("undecodable")
    @DisplayName("a request that HTTP/1.1 cannot parse gets a problem that says why, and the connection is closed")
    void undecodableRequestIsAProblem(String request, int status, String detail) throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(server.started.port(), RawHttp.latin1(request), 5_000);
        assertEquals(status, answer.status(), answer.text());
        assertEquals("application/problem+json", answer.header("Content-Type"));
        String got = new JsonObject(answer.body()).getString("detail");
        assertTrue(got.startsWith(detail), got);
        assertTrue(answer.closed(), "the connection is closed");
    }
}
