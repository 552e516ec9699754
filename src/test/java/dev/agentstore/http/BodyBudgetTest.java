package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The budget of request bodies in flight (http.max_inflight_body_bytes), driven over raw sockets: a client that
 * sends a head and holds its body, one that hangs up in the middle, a chunked body. 100,000 bytes here, with
 * bodies of at most 65,536.
 */
@DisplayName("Request bodies in flight are bounded by http.max_inflight_body_bytes")
@RealServer(config = "http: {max_body_bytes: 65536, max_inflight_body_bytes: 100000}")
class BodyBudgetTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static TestServer server;

    static BodyBudget budget() {
        return BodyBudget.of(server.vertx);
    }

    @AfterEach
    void budgetIsBackToZero() {
        Eventually.await("the budget is back to zero (" + budget().used() + ")", WAIT, () -> budget().used() == 0);
    }

    @Test
    @DisplayName("a body whose Content-Length would pass the budget gets 503 with Retry-After before it is sent,"
            + " is dropped when sent anyway, stores nothing, and its connection serves the next request")
    void bodyOverTheRemainingBudgetIsRefusedBeforeItIsRead() throws IOException {
        String held = article("held", 60_000);
        String refused = article("refused", 50_000);
        try (Raw holder = new Raw();
                Raw other = new Raw()) {
            holder.send(head("POST", "/api/articles", held.length()) + held.substring(0, 100));
            Eventually.await("the held body is admitted", WAIT, () -> budget().used() == 60_000);

            other.send(head("POST", "/api/articles", refused.length())); // the head alone
            Raw.Answer no = other.read();
            assertEquals(503, no.status(), no.body());
            assertEquals("1", no.header("retry-after"));
            assertEquals(Problems.CONTENT_TYPE, no.header("content-type"));
            assertTrue(no.body().contains("http.max_inflight_body_bytes"), no.body());
            assertEquals(60_000, budget().used(), "a refused body takes nothing");

            other.send(refused + "GET /api/articles/refused HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(404, other.read().status(), "the refused body was dropped and stored nothing");

            holder.send(held.substring(100));
            assertEquals(201, holder.read().status());
        }
    }

    @Test
    @DisplayName("a chunked body is admitted chunk by chunk and refused with 503 at the chunk that would pass the"
            + " budget; what it had taken is given back at once")
    void chunkedBodyIsRefusedAtTheChunkThatPassesTheBudget() throws IOException {
        String held = article("held-2", 60_000);
        try (Raw holder = new Raw();
                Raw chunked = new Raw()) {
            holder.send(head("POST", "/api/articles", held.length()) + held.substring(0, 100));
            Eventually.await("the held body is admitted", WAIT, () -> budget().used() == 60_000);

            chunked.send("POST /api/articles HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"
                    + chunk("a".repeat(20_000)));
            Eventually.await("the first chunk is admitted", WAIT, () -> budget().used() == 80_000);
            chunked.send(chunk("b".repeat(30_000)));
            assertEquals(503, chunked.read().status());
            assertEquals(60_000, budget().used(), "the refused body's first chunk is given back");

            chunked.send(chunk("c".repeat(1000)) + "0\r\n\r\nGET /api/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, chunked.read().status(), "the rest was dropped; the connection serves the next request");

            holder.send(held.substring(100));
            assertEquals(201, holder.read().status());
        }
    }

    @Test
    @DisplayName("a client that sends Expect: 100-continue gets 100 Continue when its body fits, and 503 and a closed"
            + " connection, without sending it, when it does not")
    void expectContinueIsAnsweredBeforeTheBody() throws IOException {
        String held = article("held-3", 60_000);
        String admitted = article("continued", 30_000);
        String expect = "Expect: 100-continue\r\n";
        try (Raw holder = new Raw();
                Raw fits = new Raw();
                Raw tooMuch = new Raw()) {
            holder.send(head("POST", "/api/articles", held.length()) + held.substring(0, 100));
            Eventually.await("the held body is admitted", WAIT, () -> budget().used() == 60_000);

            fits.send(head("POST", "/api/articles", admitted.length()).replace("\r\n\r\n", "\r\n" + expect + "\r\n"));
            assertEquals(100, fits.read().status());
            fits.send(admitted);
            assertEquals(201, fits.read().status());

            holder.send(held.substring(100, 200)); // still held
            tooMuch.send(head("POST", "/api/articles", 50_000).replace("\r\n\r\n", "\r\n" + expect + "\r\n"));
            assertEquals(503, tooMuch.read().status());
            assertEquals(-1, tooMuch.in.read(), "the connection is closed: the client never sent its body");

            holder.send(held.substring(200));
            assertEquals(201, holder.read().status());
        }
    }

    @Test
    @DisplayName("a body over http.max_body_bytes gets 413 before it is sent and takes nothing from the budget")
    void bodyOverTheLimitIs413BeforeItIsRead() throws IOException {
        try (Raw client = new Raw()) {
            client.send(head("POST", "/api/articles", 70_000));
            Raw.Answer tooLarge = client.read();
            assertEquals(413, tooLarge.status(), tooLarge.body());
            assertEquals(0, budget().used());
        }
    }

    @Test
    @DisplayName("after 40 clients send half a body and half of them hang up, every byte taken is given back exactly"
            + " once, and the others' articles are stored")
    void budgetReturnsToZeroAfterClientsHangUpMidBody() throws IOException {
        List<Raw> clients = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                String body = article("hang-" + i, 2_000);
                Raw client = new Raw();
                clients.add(client);
                bodies.add(body);
                client.send(head("POST", "/api/articles", body.length()) + body.substring(0, 1_000));
            }
            Eventually.await("every half body is admitted", WAIT, () -> budget().used() == 40 * 2_000);
            for (int i = 0; i < clients.size(); i++) {
                if (i % 2 == 0) {
                    clients.get(i).reset();
                } else {
                    clients.get(i).send(bodies.get(i).substring(1_000));
                }
            }
            for (int i = 1; i < clients.size(); i += 2) {
                assertEquals(201, clients.get(i).read().status());
            }
        } finally {
            for (Raw c : clients) {
                c.close();
            }
        }
        Eventually.await(
                "the budget is back to zero, not below (" + budget().used() + ")", WAIT, () -> budget().used() == 0);
        assertEquals(
                20, SqliteFiles.number(server.workflowDb(), "SELECT count(*) FROM articles WHERE id LIKE 'hang-%'"));
    }

    @Test
    @RealServer(config = "http: {max_body_bytes: 1048576, max_inflight_body_bytes: 0}") // the defaults
    @DisplayName("a body over 64 KiB, decoded and echoed on a worker, reads back as it was sent; a malformed one is a"
            + " 400")
    void largeBodiesAreDecodedAndEncodedOffTheEventLoop(TestServer big) {
        String content = "x é 😀 \" \\ \n".repeat(40_000); // about 600 KB of UTF-8, escapes, astral characters
        JsonObject created = json(
                201,
                big.send(
                        HttpMethod.POST,
                        "/api/articles",
                        new JsonObject()
                                .put("id", "large")
                                .put("url", "https://e/")
                                .put("content", content)));
        assertEquals(content, created.getJsonObject("article").getString("content"));
        assertEquals(content, json(200, big.get("/api/articles/large")).getString("content"));
        String malformed = "{\"url\":\"https://e/\",\"content\":\"" + "y".repeat(200_000) + "}";
        String detail = problem(400, big.send(HttpMethod.POST, "/api/articles", malformed));
        assertTrue(detail.startsWith("the request body is not valid JSON: "), detail); // StrictJson says where
        // given back as the answer is written: by the time the test thread looks, or just after
        Eventually.await(
                "the budget is back to zero",
                WAIT,
                () -> BodyBudget.of(big.vertx).used() == 0);
    }

    /** An article body of exactly {@code bytes} bytes of UTF-8. */
    static String article(String id, int bytes) {
        String start = "{\"id\":\"" + id + "\",\"url\":\"https://e/\",\"content\":\"";
        return start + "a".repeat(bytes - start.length() - 2) + "\"}";
    }

    static String head(String method, String path, int contentLength) {
        return method + " " + path
                + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
                + "\r\n\r\n";
    }

    static String chunk(String data) {
        return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
    }

    /** An HTTP/1.1 connection written and read by hand. */
    static final class Raw implements AutoCloseable {
        record Answer(int status, Map<String, String> headers, String body) {
            String header(String name) {
                return headers.get(name);
            }
        }

        private final Socket socket;
        private final InputStream in;

        Raw() throws IOException {
            socket = new Socket("127.0.0.1", server.started.port());
            socket.setSoTimeout((int) WAIT.toMillis());
            in = new BufferedInputStream(socket.getInputStream());
        }

        void send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }

        /** The next answer: status, headers (names in lower case) and a body of its Content-Length. */
        Answer read() throws IOException {
            int status = Integer.parseInt(line().split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                headers.put(
                        h.substring(0, colon).toLowerCase(Locale.ROOT),
                        h.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            return new Answer(status, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        /** Hangs up at once: a reset, as a client that crashes. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c == -1) {
                    throw new IOException("the server closed the connection after '" + b + "'");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
