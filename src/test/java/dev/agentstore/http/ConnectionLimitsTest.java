package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Connections;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Connections are bounded: a slow head, an idle keep-alive connection and a body that never ends are"
        + " closed; at the cap, the idlest connection makes room")
class ConnectionLimitsTest {
    static final String LIVE = "GET /api/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    @Test
    @RealServer(config = "http: {header_timeout_ms: 1000}")
    @DisplayName("200 slowloris connections, sending a header byte a second, are all closed after the header"
            + " timeout, none before it, and the server answers others meanwhile")
    void slowlorisConnectionsAreClosed(TestServer server) throws Exception {
        String head = "GET /api/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "s".repeat(100);
        try (Connections slow = Connections.open(server.started.port(), 200)) {
            long opened = System.nanoTime();
            for (int tick = 0; slow.closedByServer() < 200; tick++) {
                long elapsed = ms(System.nanoTime() - opened);
                assertTrue(elapsed < 15_000, slow.closedByServer() + " of 200 closed after " + elapsed + " ms");
                if (elapsed < 900) {
                    assertEquals(0, slow.closedByServer(), "closed before the header timeout, at " + elapsed + " ms");
                }
                if (tick % 4 == 0) {
                    for (int i = 0; i < slow.size(); i++) {
                        sendIgnoringClosed(slow, i, head.substring(tick / 4, tick / 4 + 1));
                    }
                }
                assertEquals(200, server.get("/api/health/live").statusCode());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250)); // the pace of the attack, a byte a second
            }
        }
    }

    private static void sendIgnoringClosed(Connections c, int i, String text) {
        try {
            c.send(i, text);
        } catch (IOException e) {
            // closed by the server: what the test waits for
        }
    }

    @Test
    @RealServer(config = "http: {idle_timeout_s: 1}")
    @DisplayName("3,000 keep-alive connections, each idle after a response, are all closed after the idle timeout,"
            + " none before it")
    void idleConnectionsAreClosed(TestServer server) throws Exception {
        try (Connections idle = Connections.open(server.started.port(), 3000)) {
            idle.exchangeOnEach(LIVE, 30_000);
            Eventually.await(
                    "all 3,000 idle connections closed", Duration.ofSeconds(15), () -> idle.closedByServer() == 3000);
            for (int i = 0; i < idle.size(); i++) {
                long idleFor = ms(idle.closedAt(i) - idle.answeredAt(i));
                assertTrue(idleFor >= 1000, "connection " + i + " closed after " + idleFor + " ms idle");
            }
        }
    }

    @Test
    @RealServer(
            config =
                    "{http: {header_timeout_ms: 500, request_timeout_ms: 2500}, database: {workflow: {pool_timeout: 1}}}")
    @DisplayName("a request whose body never completes is closed after the request timeout plus the header timeout,"
            + " and nothing is written")
    void bodyThatNeverEndsIsClosed(TestServer server) throws Exception {
        try (Connections c = Connections.open(server.started.port(), 1)) {
            c.send(
                    0,
                    "POST /api/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"workflow_name\":");
            long sent = System.nanoTime();
            Eventually.await("the connection closed", Duration.ofSeconds(15), () -> c.closedByServer() == 1);
            long after = ms(c.closedAt(0) - sent);
            assertTrue(after >= 3000, "closed after " + after + " ms");
        }
        assertEquals(0, json(200, server.get("/api/workflows")).getInteger("count"));
    }

    @Test
    @RealServer(config = "http: {max_connections: 50}")
    @DisplayName("at max_connections, a new connection closes the one whose last request began longest ago, so a"
            + " health probe gets in")
    void atTheCapTheIdlestConnectionMakesRoom(TestServer server) throws Exception {
        try (Connections idle = Connections.open(server.started.port(), 50)) {
            idle.exchangeInOrder(LIVE, 10_000); // connection 0's request began first
            assertEquals(0, idle.closedByServer());
            try (Connections probe = Connections.open(server.started.port(), 1)) {
                probe.exchangeOnEach(LIVE, 5_000);
            }
            Eventually.await("the idlest connection closed", Duration.ofSeconds(5), () -> idle.closedByServer() == 1);
            assertTrue(idle.closedAt(0) != 0, "the first connection is the one closed");
        }
    }

    @Test
    @RealServer(config = "http: {max_connections: 20}")
    @DisplayName("at max_connections with a request in flight on every connection, a new connection is closed at"
            + " once, and the server takes new ones again when some close")
    void atTheCapWithNoneIdleANewConnectionIsClosed(TestServer server) throws Exception {
        try (Connections busy = Connections.open(server.started.port(), 20)) {
            // A request answered, then one pipelined behind it whose body never comes: once the first answer is
            // read, the server has the second request in flight.
            String neverEnds = "POST /api/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10\r\n\r\n{";
            busy.exchangeOnEach(LIVE + neverEnds, 10_000);
            try (Connections refused = Connections.open(server.started.port(), 1)) {
                Eventually.await(
                        "the new connection closed", Duration.ofSeconds(5), () -> refused.closedByServer() == 1);
            }
            assertEquals(0, busy.closedByServer(), "no connection with a request in flight was closed");
        }
        Eventually.await("a new connection served once the busy ones closed", Duration.ofSeconds(5), () -> {
            try (Connections again = Connections.open(server.started.port(), 1)) {
                again.exchangeOnEach(LIVE, 1_000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }
}
