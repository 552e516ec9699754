package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The article endpoints (/api/articles)")
@RealServer
class ArticleRoutesTest {
    static TestServer server;

    static JsonObject post(int status, JsonObject body) {
        return json(status, server.send(HttpMethod.POST, "/api/articles", body));
    }

    static long rows() {
        return SqliteFiles.number(server.workflowDb(), "SELECT count(*) FROM articles");
    }

    @Test
    @DisplayName("POST creates an article: 201, its Location, and GET there returns it")
    void createsAndGets() {
        var r = server.send(
                HttpMethod.POST,
                "/api/articles",
                new JsonObject()
                        .put("id", "page one")
                        .put("url", "https://web.example/1")
                        .put("title", "One")
                        .put("content", "text"));
        JsonObject created = json(201, r);
        assertEquals("page one", created.getString("id"));
        assertEquals("created", created.getString("status"));
        assertEquals("/api/articles/page%20one", r.getHeader("Location"));
        JsonObject got = json(200, server.get(r.getHeader("Location")));
        assertEquals(created.getJsonObject("article"), got);
        assertEquals("One", got.getString("title"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a/b", "ü?x#y", "https://web.example/p?q=1&r=%20"})
    @DisplayName("an id with slashes, reserved or non-ASCII characters is found again at its Location")
    void idsNeedingEncodingRoundTrip(String id) {
        var r = server.send(
                HttpMethod.POST, "/api/articles", new JsonObject().put("id", id).put("url", "https://web.example/enc"));
        json(201, r);
        assertEquals(id, json(200, server.get(r.getHeader("Location"))).getString("id"));
    }

    @Test
    @DisplayName("POST of a known id answers 200 with status ignored and leaves the stored article alone")
    void duplicateIsIgnored() {
        post(201, new JsonObject().put("id", "same").put("url", "https://web.example/first"));
        JsonObject again = post(200, new JsonObject().put("id", "same").put("url", "https://web.example/second"));
        assertEquals("ignored", again.getString("status"));
        assertEquals("https://web.example/first", again.getJsonObject("article").getString("url"));
    }

    @Test
    @DisplayName(
            "POST {articles: [...]} creates a batch: 201 with the inserted and ignored ids, 200 when all were known")
    void createsBatch() {
        JsonArray items = new JsonArray()
                .add(new JsonObject().put("id", "hb-1").put("url", "https://web.example/b1"))
                .add(new JsonObject().put("id", "hb-2").put("url", "https://web.example/b2"));
        JsonObject reply = post(201, new JsonObject().put("articles", items));
        assertEquals(new JsonArray().add("hb-1").add("hb-2"), reply.getJsonArray("inserted"));
        assertEquals(new JsonArray(), reply.getJsonArray("ignored"));
        JsonObject again = post(200, new JsonObject().put("articles", items));
        assertEquals(new JsonArray().add("hb-1").add("hb-2"), again.getJsonArray("ignored"));
    }

    @Test
    @DisplayName("a batch with one invalid item answers 400 naming it, and writes nothing")
    void invalidItemIsNamed() {
        JsonArray items = new JsonArray();
        IntStream.range(0, 5)
                .forEach(i ->
                        items.add(new JsonObject().put("id", "bad-" + i).put("url", "https://web.example/bad" + i)));
        items.getJsonObject(3).put("url", 3);
        long before = rows();
        String detail =
                problem(400, server.send(HttpMethod.POST, "/api/articles", new JsonObject().put("articles", items)));
        assertEquals("articles[3]: 'url' must be a string, got a number", detail);
        assertEquals(before, rows());
    }

    @Test
    @DisplayName("a batch past limits.max_batch_items (1000 by default) answers 413 and writes nothing")
    void oversizedBatchIs413() {
        JsonArray items = new JsonArray();
        IntStream.range(0, 1001).forEach(i -> items.add(new JsonObject().put("url", "u" + i)));
        long before = rows();
        assertTrue(problem(413, server.send(HttpMethod.POST, "/api/articles", new JsonObject().put("articles", items)))
                .contains("at most 1000"));
        assertEquals(before, rows());
    }

    @ParameterizedTest(name = "body [{0}]")
    @ValueSource(strings = {"", "not json", "[1, 2]", "{\"url\": null}", "{\"articles\": \"many\"}"})
    @DisplayName("POST of a body that is not an article or a batch answers 400")
    void badBodiesAre400(String body) {
        problem(400, server.send(HttpMethod.POST, "/api/articles", body));
    }

    @Test
    @DisplayName("GET of an unknown id answers 404 as problem+json")
    void missingIs404() {
        assertTrue(problem(404, server.get("/api/articles/nothing-here")).contains("nothing-here"));
    }

    @Test
    @DisplayName("GET /api/articles lists newest first, filters by exact url, and pages")
    void lists() {
        post(201, new JsonObject().put("id", "hl-1").put("url", "https://web.example/list"));
        post(201, new JsonObject().put("id", "hl-2").put("url", "https://web.example/list"));
        JsonObject page = json(200, server.get("/api/articles?url=https%3A%2F%2Fweb.example%2Flist&limit=1&offset=1"));
        assertEquals(1, page.getInteger("count"));
        assertEquals("hl-1", page.getJsonArray("articles").getJsonObject(0).getString("id"));
        assertEquals(
                "hl-2",
                json(200, server.get("/api/articles?limit=1"))
                        .getJsonArray("articles")
                        .getJsonObject(0)
                        .getString("id"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"?limit=0", "?limit=x", "?offset=-1", "?status=new", "?url=a&url=b"})
    @DisplayName("GET /api/articles refuses a bad page, an unknown or repeated parameter with 400")
    void badQueriesAre400(String query) {
        problem(400, server.get("/api/articles" + query));
    }
}
