package dev.agentstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.config.HostNames;
import dev.agentstore.support.RawHttp;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a browser page can reach: a request whose Host is a name this server was not told it has (a DNS-rebinding
 * page) gets 421, and a page of an origin that {@code http.cors.allowed_origins} does not list gets no CORS
 * grant (and, with CORS on, 403); neither changes anything.
 */
@DisplayName(
        "Host allow-list (421 for a rebound name) and CORS (listed origins only): what a page of another site reaches")
class HostAndOriginTest {
    static final String CREATE = "{\"workflow_name\":\"w\"}";

    /** One request on a new connection: {@code headers} in order (a null value: the header is left out). */
    static RawHttp.Response send(
            TestServer server, String method, String path, Map<String, String> headers, String body) throws Exception {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((name, value) -> {
            if (value != null) {
                request.append(name).append(": ").append(value).append("\r\n");
            }
        });
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(bytes.length)
                    .append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        byte[] head = request.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + bytes.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bytes, 0, all, head.length, bytes.length);
        return RawHttp.exchangeOne(server.started.port(), all, method.equals("HEAD"), false, 10_000);
    }

    static Map<String, String> host(String host) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", host);
        return headers;
    }

    static long workflows(TestServer server) {
        return SqliteFiles.count(server.workflowDb(), "workflow_states");
    }

    static JsonObject problem(RawHttp.Response r, int status) {
        assertEquals(status, r.status(), r.head());
        assertEquals("application/problem+json", r.header("Content-Type"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        JsonObject body = new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(status, body.getInteger("status"));
        return body;
    }

    @Nested
    @RealServer
    @DisplayName("by default (bound to 127.0.0.1)")
    class Defaults {
        @ParameterizedTest(name = "Host: {0} is served")
        @ValueSource(strings = {"127.0.0.1", "localhost", "LOCALHOST", "localhost.", "[::1]", "[0:0::1]"})
        void loopbackNamesServed(String name, TestServer server) throws Exception {
            for (String host : List.of(name, name + ":" + server.started.port(), name + ":1")) {
                RawHttp.Response r = send(server, "GET", "/api/health/live", host(host), null);
                assertEquals(200, r.status(), host + ": " + r.head());
            }
        }

        @ParameterizedTest(name = "Host: {0} gets 421")
        @ValueSource(
                strings = {
                    "attacker.example",
                    "attacker.example:8080",
                    "127.0.0.2",
                    "localhost.attacker.example",
                    "[::2]",
                    "10.0.0.1"
                })
        void otherHostsRefused(String host, TestServer server) throws Exception {
            long before = workflows(server);
            for (String method : List.of("GET", "POST")) {
                String path = method.equals("GET") ? "/api/workflows" : "/api/workflows";
                RawHttp.Response r = send(server, method, path, host(host), method.equals("POST") ? CREATE : null);
                JsonObject body = problem(r, 421);
                String detail = body.getString("detail");
                assertTrue(detail.contains("'" + host + "'"), detail);
                assertTrue(detail.contains("AGENTSTORE_HTTP_ALLOWED_HOSTS"), detail);
                assertTrue(detail.contains("localhost, "), detail);
                assertEquals("Misdirected Request", body.getString("title"));
            }
            assertEquals(before, workflows(server), "a refused request wrote nothing");
        }

        @ParameterizedTest(name = "a malformed Host {0} gets 400")
        @ValueSource(strings = {"localhost:abc", "localhost:8080:80", "a\u00e9b", "a b"})
        void malformedHosts(String host, TestServer server) throws Exception {
            long before = workflows(server);
            problem(send(server, "POST", "/api/workflows", host(host), CREATE), 400);
            assertEquals(before, workflows(server));
        }

        @Test
        @DisplayName("two Host headers get 400")
        void twoHosts(TestServer server) throws Exception {
            String request = "GET /api/health/live HTTP/1.1\r\nHost: localhost\r\nHost: attacker.example\r\n"
                    + "Connection: close\r\n\r\n";
            RawHttp.Response r = RawHttp.exchangeOne(
                    server.started.port(), request.getBytes(StandardCharsets.ISO_8859_1), false, false, 10_000);
            assertTrue(problem(r, 400).getString("detail").contains("2 Host headers"), r.head());
        }

        @Test
        @DisplayName("HTTP/1.0 without Host is served (no browser sends it); HTTP/1.1 without Host gets 400")
        void noHost(TestServer server) throws Exception {
            RawHttp.Response old = RawHttp.exchangeOne(
                    server.started.port(),
                    "GET /api/health/live HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                    false,
                    false,
                    10_000);
            assertEquals(200, old.status(), old.head());
            RawHttp.Response none = RawHttp.exchangeOne(
                    server.started.port(),
                    "GET /api/health/live HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                    false,
                    false,
                    10_000);
            problem(none, 400);
        }

        @Test
        @DisplayName("without CORS: a preflight gets 405 and no grant, a page's GET gets its answer with no grant")
        void corsOff(TestServer server) throws Exception {
            Map<String, String> preflight = host("localhost");
            preflight.put("Origin", "https://app.example");
            preflight.put("Access-Control-Request-Method", "POST");
            RawHttp.Response r = send(server, "OPTIONS", "/api/workflows", preflight, null);
            problem(r, 405);
            assertNull(r.header("Access-Control-Allow-Origin"));
            assertNotNull(r.header("Allow"));
            Map<String, String> get = host("localhost");
            get.put("Origin", "https://app.example");
            RawHttp.Response answer = send(server, "GET", "/api/workflows", get, null);
            assertEquals(200, answer.status());
            assertNull(answer.header("Access-Control-Allow-Origin"), "no page of another origin may read it");
        }
    }

    @Nested
    @RealServer(config = "http: {allowed_hosts: [agent-store, 'Proxy.Example.']}")
    @DisplayName("with http.allowed_hosts listing names")
    class Listed {
        @Test
        @DisplayName(
                "the names listed and the loopback names are served, in any case and with any port; others get 421")
        void listed(TestServer server) throws Exception {
            for (String host : List.of(
                    "agent-store",
                    "agent-store:8080",
                    "proxy.example",
                    "PROXY.EXAMPLE:443",
                    "localhost",
                    "127.0.0.1:1",
                    "[::1]")) {
                assertEquals(
                        200,
                        send(server, "GET", "/api/health/live", host(host), null)
                                .status(),
                        host);
            }
            for (String host : List.of("agent-store.attacker.example", "example", "attacker.example")) {
                String detail = problem(send(server, "GET", "/api/health/live", host(host), null), 421)
                        .getString("detail");
                assertTrue(detail.contains("agent-store") && detail.contains("proxy.example"), detail);
            }
        }
    }

    @Nested
    @RealServer(config = "http: {allowed_hosts: ['*']}")
    @DisplayName("with http.allowed_hosts: ['*']")
    class Any {
        @Test
        @DisplayName("any Host is served")
        void any(TestServer server) throws Exception {
            assertEquals(
                    201,
                    send(server, "POST", "/api/workflows", host("attacker.example"), CREATE)
                            .status());
        }
    }

    @Nested
    @RealServer(config = "http: {host: 0.0.0.0}\nauth: {allow_anonymous: 'true'}")
    @DisplayName("bound to every address (0.0.0.0), with no list")
    class Wildcard {
        @Test
        @DisplayName("every IPv4 and IPv6 address of the machine's interfaces is served; a name is not")
        void interfaces(TestServer server) throws Exception {
            List<String> addresses = new ArrayList<>();
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    String text = a.getHostAddress();
                    int zone = text.indexOf('%');
                    addresses.add(
                            a instanceof Inet6Address ? "[" + (zone < 0 ? text : text.substring(0, zone)) + "]" : text);
                }
            }
            assertTrue(addresses.contains("127.0.0.1"), addresses.toString());
            for (String address : addresses) {
                RawHttp.Response r = send(server, "GET", "/api/health/live", host(address + ":8080"), null);
                assertEquals(200, r.status(), address + ": " + r.head());
            }
            problem(send(server, "GET", "/api/health/live", host("some-name"), null), 421);
            problem(send(server, "GET", "/api/health/live", host("0.0.0.0"), null), 421);
        }
    }

    @Nested
    @RealServer(config = "http: {cors: {allowed_origins: ['https://app.example:8443', 'http://[::1]:3000']}}")
    @DisplayName("with http.cors.allowed_origins")
    class CorsOn {
        static Map<String, String> preflight(String origin, String method) {
            Map<String, String> headers = host("localhost");
            headers.put("Origin", origin);
            headers.put("Access-Control-Request-Method", method);
            headers.put("Access-Control-Request-Headers", "authorization,content-type");
            return headers;
        }

        @Test
        @DisplayName("a listed origin's preflight gets 204 with the methods, the headers and a max age, and changes"
                + " nothing")
        void listedPreflight(TestServer server) throws Exception {
            long before = workflows(server);
            for (String origin : List.of("https://app.example:8443", "http://[0::1]:3000")) {
                RawHttp.Response r = send(server, "OPTIONS", "/api/workflows", preflight(origin, "POST"), null);
                assertEquals(204, r.status(), r.head());
                assertEquals(origin, r.header("Access-Control-Allow-Origin"));
                assertTrue(r.header("Access-Control-Allow-Methods").contains("POST"), r.head());
                assertTrue(r.header("Access-Control-Allow-Headers").contains("Authorization"), r.head());
                assertTrue(r.header("Access-Control-Allow-Headers").contains("Content-Type"), r.head());
                for (String retryable : List.of("Idempotency-Key", "If-Match", "If-None-Match")) {
                    assertTrue(r.header("Access-Control-Allow-Headers").contains(retryable), r.head());
                }
                assertEquals("600", r.header("Access-Control-Max-Age"));
                assertEquals("Origin", r.header("Vary"));
                assertNull(r.header("Access-Control-Allow-Credentials"), "never credentials");
                assertEquals("nosniff", r.header("X-Content-Type-Options"));
            }
            Map<String, String> pna = preflight("https://app.example:8443", "GET");
            pna.put("Access-Control-Request-Private-Network", "true");
            assertEquals(
                    "true",
                    send(server, "OPTIONS", "/api/workflows", pna, null)
                            .header("Access-Control-Allow-Private-Network"));
            assertEquals(before, workflows(server));
        }

        @Test
        @DisplayName("an unlisted origin's preflight and requests get 403 with no grant, and change nothing")
        void unlisted(TestServer server) throws Exception {
            long before = workflows(server);
            for (String origin : List.of(
                    "https://evil.example",
                    "https://app.example",
                    "http://app.example:8443",
                    "null",
                    "https://app.example:8443/x")) {
                RawHttp.Response pre = send(server, "OPTIONS", "/api/workflows", preflight(origin, "POST"), null);
                JsonObject body = problem(pre, 403);
                assertNull(pre.header("Access-Control-Allow-Origin"));
                assertTrue(body.getString("detail").contains("http.cors.allowed_origins"), body.encode());
                Map<String, String> post = host("localhost");
                post.put("Origin", origin);
                RawHttp.Response write = send(server, "POST", "/api/workflows", post, CREATE);
                problem(write, 403);
                assertNull(write.header("Access-Control-Allow-Origin"));
                RawHttp.Response read = send(server, "GET", "/api/workflows", post, null);
                problem(read, 403);
            }
            assertEquals(before, workflows(server), "no refused request wrote");
        }

        @Test
        @DisplayName("a listed origin's request gets its answer with the origin allowed and the headers it may read")
        void listedRequest(TestServer server) throws Exception {
            Map<String, String> post = host("localhost");
            post.put("Origin", "https://app.example:8443");
            RawHttp.Response r = send(server, "POST", "/api/workflows", post, CREATE);
            assertEquals(201, r.status(), r.head());
            assertEquals("https://app.example:8443", r.header("Access-Control-Allow-Origin"));
            assertTrue(r.header("Access-Control-Expose-Headers").contains("Location"), r.head());
            assertTrue(r.header("Access-Control-Expose-Headers").contains("ETag"), r.head());
            assertTrue(r.header("Access-Control-Expose-Headers").contains("Idempotent-Replayed"), r.head());
            assertEquals("Origin", r.header("Vary"));
        }

        @Test
        @DisplayName("a page of the server's own origin is served without a grant; a request with no Origin too")
        void sameOrigin(TestServer server) throws Exception {
            int port = server.started.port();
            for (String[] pair : List.of(
                    new String[] {"http://localhost:" + port, "localhost:" + port},
                    new String[] {"http://127.0.0.1:" + port, "127.0.0.1:" + port},
                    new String[] {"http://localhost", "localhost:80"})) {
                Map<String, String> post = host(pair[1]);
                post.put("Origin", pair[0]);
                RawHttp.Response r = send(server, "POST", "/api/workflows", post, CREATE);
                assertEquals(201, r.status(), pair[0] + " " + r.head());
                assertNull(r.header("Access-Control-Allow-Origin"));
            }
            Map<String, String> otherPort = host("localhost:" + port);
            otherPort.put("Origin", "http://localhost:" + (port == 1 ? 2 : port - 1));
            problem(send(server, "POST", "/api/workflows", otherPort, CREATE), 403);
            RawHttp.Response plain = send(server, "GET", "/api/workflows", host("localhost"), null);
            assertEquals(200, plain.status());
            assertNull(plain.header("Access-Control-Allow-Origin"));
        }
    }

    @Test
    @DisplayName("the canonical form compares [::1] and [0::1] as one address")
    void canonicalLoopback() {
        assertEquals(HostNames.ofAuthority("[::1]:1"), HostNames.ofAuthority("[0:0:0::1]"));
    }
}
