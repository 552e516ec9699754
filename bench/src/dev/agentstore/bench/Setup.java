package dev.agentstore.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fills a fresh server through its HTTP API with the workflows the load scripts pick from, and writes
 * their ids, one a line: {@code read-ids.txt} (workflows with {@code HISTORY_UPDATES} updates, so a
 * history has 1 + HISTORY_UPDATES rows; the get, history and mix reads use them) and
 * {@code update-ids.txt} (the update phase and the mix's updates change these, so the histories that
 * are read keep their length whatever the write rate was).
 *
 * <p>usage: Setup BASE_URL OUT_DIR READ_COUNT UPDATE_COUNT HISTORY_UPDATES; with BENCH_KEY in the environment
 * (BENCH_AUTH=1), every request sends {@code Authorization: Bearer $BENCH_KEY}.
 */
public final class Setup {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String KEY = System.getenv("BENCH_KEY");

    private Setup() {}

    public static void main(String[] args) throws Exception {
        String base = args[0];
        Path out = Path.of(args[1]);
        int reads = Integer.parseInt(args[2]);
        int updates = Integer.parseInt(args[3]);
        int historyUpdates = Integer.parseInt(args[4]);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<String> readIds = createAll(pool, base, "bench-read", reads, historyUpdates);
            List<String> updateIds = createAll(pool, base, "bench-update", updates, 0);
            Files.write(out.resolve("read-ids.txt"), readIds);
            Files.write(out.resolve("update-ids.txt"), updateIds);
            System.out.println("setup: " + readIds.size() + " workflows with " + (1 + historyUpdates)
                    + " history rows each to read, " + updateIds.size() + " to update");
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> createAll(ExecutorService pool, String base, String name, int count, int historyUpdates)
            throws Exception {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                JsonObject created = send(
                        "POST",
                        base + "/api/workflows",
                        new JsonObject().put("workflow_name", name).put("initial_data", new JsonObject().put("n", n)),
                        201);
                String id = created.getString("id");
                for (int u = 1; u <= historyUpdates; u++) {
                    send(
                            "PUT",
                            base + "/api/workflows/" + id,
                            new JsonObject().put("status", "running").put("current_step", "setup-" + u),
                            200);
                }
                return id;
            }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : futures) {
            ids.add(f.get());
        }
        Collections.shuffle(ids);
        return ids;
    }

    private static JsonObject send(String method, String url, JsonObject body, int expected) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
        if (KEY != null && !KEY.isEmpty()) {
            builder.header("Authorization", "Bearer " + KEY);
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(
                    method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body());
    }
}
