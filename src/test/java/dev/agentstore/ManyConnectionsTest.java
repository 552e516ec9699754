package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Connections;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.RawHttp;
import dev.agentstore.support.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server in a JVM of its own, so that its file descriptors and the test's are not one limit, holding
 * thousands of connections that the test opens.
 */
@DisplayName("Many idle connections: the server keeps answering its health probe, with the default limits")
class ManyConnectionsTest {
    static final String LIVE = "GET /api/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    static ServerProcess start(Path dir, int port, String fdLimit) throws Exception {
        List<String> command = new ArrayList<>();
        if (fdLimit != null) {
            command.addAll(List.of("sh", "-c", "ulimit -n " + fdLimit + " && exec \"$@\"", "sh"));
        }
        command.addAll(ServerProcess.javaMain());
        ServerProcess p = ServerProcess.start(
                command,
                dir,
                Map.of(
                        "AGENTSTORE_HTTP_PORT", String.valueOf(port),
                        "AGENTSTORE_DATABASE_WORKFLOW_PATH",
                                dir.resolve("wf.db").toString()));
        p.awaitLine("agent-store ready on", 30_000);
        return p;
    }

    /** GET /api/health/live on a new connection; the answer must come within 1 s. */
    static void liveAnswersWithinOneSecond(int port, ServerProcess p) throws Exception {
        long start = System.nanoTime();
        RawHttp.Answer answer = RawHttp.exchange(
                port, RawHttp.latin1(LIVE.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")), 1_000);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(200, answer.status(), "health live after " + ms + " ms: " + answer.text() + "\n" + p.output());
        assertTrue(ms < 1_000, "health live took " + ms + " ms");
    }

    @Test
    @DisplayName("with 10,000 idle keep-alive connections held open, /api/health/live answers within 1 s, and"
            + " none of them is closed: the default cap leaves room for them")
    void tenThousandIdleConnections(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess p = start(dir, port, null);
                Connections idle = Connections.open(port, 10_000)) {
            idle.exchangeOnEach(LIVE, 60_000);
            for (int i = 0; i < 5; i++) {
                liveAnswersWithinOneSecond(port, p);
            }
            assertEquals(0, idle.closedByServer(), "idle connections closed under the default cap");
            p.terminate();
            assertEquals(0, p.awaitExit(30_000), p.output());
        }
    }

    @Test
    @DisplayName("with a file descriptor limit of 1024, 1,500 connections opened 100 at a time: the default cap"
            + " closes the idlest for new ones, and /api/health/live answers within 1 s after every hundred")
    void moreConnectionsThanFileDescriptors(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        List<Connections> held = new ArrayList<>();
        try (ServerProcess p = start(dir, port, "1024")) {
            try {
                for (int i = 0; i < 15; i++) {
                    held.add(Connections.open(port, 100));
                    liveAnswersWithinOneSecond(port, p);
                }
                assertTrue(held.get(0).closedByServer() > 0, "the server closed the idlest to stay under its limit");
                Eventually.await(
                        "the warning that the cap was reached",
                        Duration.ofSeconds(10),
                        () -> p.linesContaining("http.max_connections (512) reached") > 0);
            } finally {
                for (Connections c : held) {
                    c.close();
                }
            }
            p.terminate();
            assertEquals(0, p.awaitExit(30_000), p.output());
        }
    }
}
