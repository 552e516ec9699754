package dev.agentstore.monitor;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.Http;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The keyword monitor: alerts as the Python implementation wrote them, once per rule, keyword and article")
@RealServer
class KeywordMonitorTest {
    static final List<String> PYTHON_KEYWORDS = List.of("Artificial Intelligence", "LLM", "Python", "Agent");

    static TestServer server;

    static JsonObject rule(JsonObject body) {
        JsonObject r = Http.json(201, server.send(HttpMethod.POST, "/api/alert-rules", body));
        assertEquals("created", r.getString("status"));
        return r.getJsonObject("rule");
    }

    static void articles(String site, JsonObject... items) {
        JsonArray batch = new JsonArray();
        for (JsonObject a : items) {
            batch.add(a.copy().put("url", "https://" + site + "/" + a.getString("id")));
        }
        Http.json(201, server.send(HttpMethod.POST, "/api/articles", new JsonObject().put("articles", batch)));
    }

    static JsonObject article(String id, String title, String content) {
        return new JsonObject().put("id", id).put("title", title).put("content", content);
    }

    /** The alerts about articles of {@code site}, as "message | source_url", sorted. */
    static List<String> alerts(String site) {
        List<String> found = new ArrayList<>();
        String token = null;
        do {
            JsonObject page = Http.json(
                    200,
                    server.get("/api/alerts?limit=1000"
                            + (token == null
                                    ? ""
                                    : "&page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
            for (Object o : page.getJsonArray("alerts")) {
                JsonObject a = (JsonObject) o;
                String url = a.getString("source_url");
                if (url != null && url.startsWith("https://" + site + "/")) {
                    assertEquals("Keyword Detected", a.getString("title"));
                    found.add(a.getString("message") + " | " + url);
                }
            }
            token = page.getString("next_page_token");
        } while (token != null);
        found.sort(null);
        return found;
    }

    /**
     * Waits until the monitor has handled everything written so far: an article that matches {@code keyword}
     * goes in last, and the monitor handles articles in order and stores its cursor after a page's alerts.
     */
    static void settle(String site, String keyword) {
        Long latest = await(server.store.listChanges(new JsonObject().put("limit", 1)))
                .getLong("latest");
        long before = latest == null ? 0 : latest;
        String id = "sentinel-" + System.nanoTime();
        articles(site, article(id, "the " + keyword + " sentinel", null));
        // its cursor is stored once every alert of the page is written: past the sentinel, all are
        Eventually.await(
                "the monitor past the sentinel",
                Duration.ofSeconds(30),
                () -> await(server.store.getCursor(KeywordMonitor.CONSUMER)).getLong("seq") > before);
        String expected =
                "Keyword '" + keyword + "' detected in the " + keyword + " sentinel | https://" + site + "/" + id;
        assertTrue(alerts(site).contains(expected), "the sentinel's alert");
    }

    static String line(String keyword, String title, String site, String id) {
        return "Keyword '" + keyword + "' detected in " + title + " | https://" + site + "/" + id;
    }

    @Test
    @DisplayName("the Python keywords over a batch: title or content, any case, each match once, nothing else")
    void pythonKeywords() {
        rule(new JsonObject().put("name", "python analyzer").put("keywords", new JsonArray(PYTHON_KEYWORDS)));
        String site = "py.example";
        articles(
                site,
                article("a1", "New LLM released", "A large language model"),
                article("a2", "Weather", "python and PYTHON are snakes; an agent of change"),
                article("a3", "Artificial intelligence in 2026", "Agents everywhere"),
                article("a4", "Cooking", "nothing to see"),
                article("a5", null, "an llm without a title"));
        settle(site, "LLM");
        List<String> expected = new ArrayList<>(List.of(
                line("LLM", "New LLM released", site, "a1"),
                line("Python", "Weather", site, "a2"),
                line("Agent", "Weather", site, "a2"),
                line("Artificial Intelligence", "Artificial intelligence in 2026", site, "a3"),
                line("Agent", "Artificial intelligence in 2026", site, "a3"),
                line("LLM", "https://" + site + "/a5", site, "a5")));
        List<String> got = alerts(site);
        got.removeIf(l -> l.contains("sentinel"));
        expected.sort(null);
        assertEquals(expected, got);
    }

    @Test
    @DisplayName("match title only; a rule applies to articles after it and before its deletion")
    void ruleLifetime() {
        String site = "life.example";
        articles(site, article("before", "Quantum before the rule", null));
        JsonObject r = rule(
                new JsonObject().put("keywords", new JsonArray().add("Quantum")).put("match", "title"));
        assertEquals("title", r.getString("match"));
        assertTrue(r.getLong("created_seq") > 0, r.encode());
        articles(
                site,
                article("title", "Quantum leap", null),
                article("content", "Nothing", "quantum in the content only"));
        settle(site, "Quantum");
        JsonObject deleted =
                Http.json(200, server.send(HttpMethod.DELETE, "/api/alert-rules/" + r.getLong("id"), (String) null));
        assertEquals("deleted", deleted.getString("status"));
        Http.problem(404, server.send(HttpMethod.DELETE, "/api/alert-rules/" + r.getLong("id"), (String) null));
        articles(site, article("after", "Quantum after the deletion", null));
        // another rule's sentinel shows the monitor has gone past the article after the deletion
        rule(new JsonObject().put("keywords", new JsonArray().add("Zebra")));
        settle(site, "Zebra");
        List<String> got = alerts(site);
        got.removeIf(l -> l.contains("sentinel"));
        assertEquals(List.of(line("Quantum", "Quantum leap", site, "title")), got);
        JsonObject listed = Http.json(200, server.get("/api/alert-rules"));
        assertTrue(
                listed.getJsonArray("rules").stream()
                        .noneMatch(o -> ((JsonObject) o).getLong("id").equals(r.getLong("id"))),
                "a deleted rule is not listed");
        JsonObject all = Http.json(200, server.get("/api/alert-rules?include_deleted=true"));
        assertTrue(all.getJsonArray("rules").stream()
                .anyMatch(o -> ((JsonObject) o).getLong("id").equals(r.getLong("id"))
                        && ((JsonObject) o).getLong("deleted_seq") != null));
    }

    @Test
    @DisplayName("restarted from a cursor before alerts it wrote, it writes none of them again")
    void replayWritesNothingTwice() {
        rule(new JsonObject().put("keywords", new JsonArray().add("Replay")));
        String site = "replay.example";
        JsonObject[] items = new JsonObject[30];
        for (int i = 0; i < items.length; i++) {
            items[i] = article("r" + i, "Replay " + i, null);
        }
        articles(site, items);
        settle(site, "Replay");
        List<String> first = alerts(site);
        assertEquals(31, first.size());

        // as after a kill between the alerts and the cursor: the monitor starts again from 0
        await(server.vertx.undeploy(server.started.monitorDeployment()));
        await(server.store.setCursor(KeywordMonitor.CONSUMER, 0));
        await(server.vertx.deployVerticle(new KeywordMonitor(10_000))); // stays, for the other tests
        settle(site, "Replay");
        List<String> after = alerts(site);
        assertEquals(32, after.size(), "one more: the second sentinel");
        Set<String> unique = new TreeSet<>(after);
        assertEquals(after.size(), unique.size(), "no alert twice");
    }

    @Test
    @DisplayName("a rule that is not one is a 400 and changes nothing")
    void badRules() {
        long before = Http.json(200, server.get("/api/alert-rules?include_deleted=true&limit=1000"))
                .getJsonArray("rules")
                .size();
        for (String body : List.of(
                "{}",
                "{\"keywords\":[]}",
                "{\"keywords\":\"LLM\"}",
                "{\"keywords\":[\"\"]}",
                "{\"keywords\":[1]}",
                "{\"keywords\":[\"LLM\",\"llm\"]}",
                "{\"keywords\":[\"LLM\"],\"match\":\"url\"}",
                "{\"keywords\":[\"LLM\"],\"extra\":1}",
                "{\"keywords\":[\"" + "k".repeat(201) + "\"]}")) {
            Http.problem(400, server.send(HttpMethod.POST, "/api/alert-rules", body));
        }
        Http.problem(404, server.get("/api/alert-rules/999999"));
        Http.problem(400, server.get("/api/alert-rules/x"));
        assertEquals(
                before,
                Http.json(200, server.get("/api/alert-rules?include_deleted=true&limit=1000"))
                        .getJsonArray("rules")
                        .size());
    }
}
