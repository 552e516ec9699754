package dev.agentstore.http;

import dev.agentstore.store.StoredValues;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The cost per request of the strict decoding, against the Json.decodeValue it replaced: a typical create
 * body and a 1 MB one, each decoded many times after a warm-up, one thread. Also the store's own check of
 * the same values (StoredValues). No JMH: a loop, best of five rounds, microseconds per call.
 *
 * <pre>
 * mvn -q -DskipTests package
 * javac -d target/bench-classes -cp target/agent-store.jar bench/src/dev/agentstore/http/DecodeCost.java
 * java -cp target/agent-store.jar:target/bench-classes dev.agentstore.http.DecodeCost
 * </pre>
 */
public final class DecodeCost {
    private static volatile Object sink;

    public static void main(String[] args) {
        Buffer typical = new JsonObject()
                .put("workflow_name", "crawl news.example")
                .put(
                        "initial_data",
                        new JsonObject()
                                .put("url", "https://news.example/a/b?c=d")
                                .put("depth", 3)
                                .put(
                                        "keywords",
                                        new io.vertx.core.json.JsonArray()
                                                .add("ai")
                                                .add("vert.x")
                                                .add("sqlite"))
                                .put("score", 0.75)
                                .put("owner", "agent-42 \uD83E\uDD16"))
                .toBuffer();
        StringBuilder content = new StringBuilder();
        while (content.length() < 1_000_000) {
            content.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit. Ünïcödé — \"quoted\" \\n ");
        }
        Buffer large = new JsonObject()
                .put("url", "https://news.example/long")
                .put("title", "a long article")
                .put("content", content.toString())
                .toBuffer();
        report("typical create body (" + typical.length() + " B)", typical, 200_000);
        report("1 MB article body (" + large.length() + " B)", large, 200);
        JsonObject body = (JsonObject) StrictJson.decode(typical.getBytes());
        time("  store check, typical initial_data", 200_000, () -> {
            StoredValues.object(
                    "initial_data", body.getJsonObject("initial_data").getMap());
            return body;
        });
        String text = content.toString();
        time("  store size check, 1 MB content (before)", 200, () -> text.getBytes(StandardCharsets.UTF_8).length);
        time("  store size and text check (after)", 200, () -> StoredValues.utf8Length("content", text));
    }

    private static void report(String what, Buffer body, int n) {
        System.out.println(what);
        time("  Json.decodeValue (before)", n, () -> Json.decodeValue(body));
        time("  StrictJson.decode (after)", n, () -> StrictJson.decode(body.getBytes()));
        byte[] bytes = body.getBytes();
        time("    of which the UTF-8 check", n, () -> Utf8.check(bytes));
    }

    private static void time(String what, int n, Supplier<Object> call) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink = call.get();
            }
            double us = (System.nanoTime() - start) / 1000.0 / n;
            if (round > 0) { // the first round warms up
                best = Math.min(best, us);
            }
        }
        System.out.printf("%-40s %10.2f us%n", what, best);
    }
}
