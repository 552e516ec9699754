package dev.agentstore;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.Sse;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The change feed across kill -9")
class ChangeFeedKillTest {
    static final int REQUESTS = 3000;
    static final int IN_FLIGHT = 16;
    static final int KILL_AFTER = 400;

    @Test
    @DisplayName("killed during writes and restarted, a stream resumed by Last-Event-ID gives every change once")
    void resumesWithEveryAcknowledgedChangeOnce(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        Map<String, String> env = Map.of(
                "AGENTSTORE_HTTP_PORT", String.valueOf(port),
                "AGENTSTORE_DATABASE_WORKFLOW_PATH", dir.resolve("feed.db").toString());
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        Vertx vertx = Vertx.vertx();
        try {
            Sse live;
            try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain(), dir, env)) {
                p.awaitLine("agent-store ready on", 30_000);
                live = await(Sse.open(vertx, port, "/api/changes/stream"));
                assertEquals(200, live.status);
                HttpClient client = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                URI uri = URI.create("http://127.0.0.1:" + port + "/api/workflows");
                CountDownLatch enough = new CountDownLatch(KILL_AFTER);
                Thread killer = new Thread(() -> {
                    try {
                        enough.await();
                        p.process.destroyForcibly();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                killer.start();
                Semaphore window = new Semaphore(IN_FLIGHT);
                CompletableFuture<?>[] all = new CompletableFuture<?>[REQUESTS];
                for (int i = 0; i < REQUESTS; i++) {
                    window.acquire();
                    HttpRequest req = HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"workflow_name\":\"kill-" + i + "\"}"))
                            .build();
                    all[i] = client.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                            .handle((r, err) -> {
                                window.release();
                                if (err == null && r.statusCode() == 201) {
                                    acknowledged.add(new JsonObject(r.body()).getString("id"));
                                    enough.countDown();
                                } else {
                                    refused.incrementAndGet();
                                }
                                return null;
                            });
                }
                CompletableFuture.allOf(all).get(120, TimeUnit.SECONDS);
                killer.join(30_000);
                assertTrue(p.process.waitFor(30, TimeUnit.SECONDS), "killed");
                await(live.ended());
            }
            assertTrue(acknowledged.size() >= KILL_AFTER, "acknowledged " + acknowledged.size());
            assertTrue(refused.get() > 0, "the kill came after the load had ended: nothing was tested");
            assertTrue(!live.events.isEmpty(), "the live stream saw changes before the kill");
            String lastId = live.events.get(live.events.size() - 1).id();
            assertNotNull(lastId);

            try (ServerProcess p = ServerProcess.start(ServerProcess.javaMain(), dir, env)) {
                p.awaitLine("agent-store ready on", 30_000);
                Sse resumed = await(Sse.open(
                        vertx.createHttpClient(),
                        port,
                        "/api/changes/stream?follow=false",
                        MultiMap.caseInsensitiveMultiMap().add("Last-Event-ID", lastId)));
                assertEquals(200, resumed.status);
                await(resumed.ended());
                Sse whole = await(Sse.open(vertx, port, "/api/changes/stream?follow=false"));
                await(whole.ended());

                List<Sse.Event> seen = new ArrayList<>(live.events);
                seen.addAll(resumed.events);
                List<String> seenIds = seen.stream().map(Sse.Event::id).toList();
                assertEquals(
                        whole.events.stream().map(Sse.Event::id).toList(),
                        seenIds,
                        "the stream before the kill and the resumed one are the feed as stored, in order");
                for (int i = 0; i < seen.size(); i++) {
                    assertEquals(i + 1, seen.get(i).data().getLong("seq"), "seqs from 1 with no gap nor repeat");
                    assertEquals(String.valueOf(i + 1), seen.get(i).id());
                }
                List<String> created = seen.stream()
                        .map(Sse.Event::data)
                        .filter(d -> d.getString("entity").equals("workflow")
                                && d.getString("kind").equals("created"))
                        .map(d -> d.getString("id"))
                        .toList();
                assertEquals(created.size(), new HashSet<>(created).size(), "no workflow created twice in the feed");
                Set<String> missing = new HashSet<>(acknowledged);
                created.forEach(missing::remove);
                assertEquals(Set.of(), missing, "every acknowledged create is in the feed");
                System.out.println("acknowledged " + acknowledged.size() + ", refused " + refused.get() + ", changes "
                        + seen.size() + " (" + live.events.size() + " live before the kill)");
            }
        } finally {
            await(vertx.close());
        }
    }
}
