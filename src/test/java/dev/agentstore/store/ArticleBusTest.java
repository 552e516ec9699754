package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The article contract on the event bus (agentstore.articles)")
@RealServer(config = "limits: {max_batch_items: " + ArticleBusTest.MAX_BATCH + "}")
class ArticleBusTest {
    static final int MAX_BATCH = 50;

    static TestServer server;

    static JsonObject article(String id, String url) {
        JsonObject a =
                new JsonObject().put("url", url).put("title", "title of " + url).put("content", "content of " + url);
        return id == null ? a : a.put("id", id);
    }

    static JsonObject batch(JsonObject... articles) {
        return new JsonObject().put("articles", new JsonArray(List.of((Object[]) articles)));
    }

    static long rows() {
        return SqliteFiles.number(server.workflowDb(), "SELECT count(*) FROM articles");
    }

    @Nested
    @DisplayName("create and get")
    class CreateAndGet {
        @Test
        @DisplayName("stores an article under the id it was given and returns it as stored")
        void insertsAndGets() {
            JsonObject reply = await(server.store.createArticle(article("a-1", "https://news.example/1")));
            assertEquals("a-1", reply.getString("id"));
            assertTrue(reply.getBoolean("inserted"));
            JsonObject stored = reply.getJsonObject("article");
            assertEquals("https://news.example/1", stored.getString("url"));
            assertTrue(stored.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
            assertEquals(stored, await(server.store.getArticle("a-1")));
        }

        @Test
        @DisplayName("generates an id when none is given, and keeps absent fields null")
        void generatesId() {
            JsonObject reply =
                    await(server.store.createArticle(new JsonObject().put("url", "https://news.example/no-id")));
            String id = reply.getString("id");
            assertNotNull(id);
            JsonObject stored = await(server.store.getArticle(id));
            assertEquals(id, stored.getString("id"));
            assertTrue(stored.containsKey("title") && stored.getValue("title") == null);
            assertTrue(stored.containsKey("content") && stored.getValue("content") == null);
        }

        @Test
        @DisplayName("ignores an article whose id is known: not an error, and the stored one is left as it was")
        void duplicateIdIsIgnored() {
            JsonObject first = await(server.store.createArticle(article("dup-1", "https://news.example/first")));
            JsonObject again = await(server.store.createArticle(article("dup-1", "https://news.example/second")));
            assertFalse(again.getBoolean("inserted"));
            assertEquals(first.getJsonObject("article"), again.getJsonObject("article"));
            assertEquals(
                    "https://news.example/first",
                    await(server.store.getArticle("dup-1")).getString("url"));
        }

        @Test
        @DisplayName("get of an unknown id fails with 404")
        void missingArticleIsNotFound() {
            assertTrue(failsWith(Failures.NOT_FOUND, server.store.getArticle("no-such-article"))
                    .contains("no-such-article"));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "{}",
                    "{\"url\": 5}",
                    "{\"url\": \"\"}",
                    "{\"url\": \"https://x.example\", \"id\": 7}",
                    "{\"url\": \"https://x.example\", \"title\": [\"a\"]}",
                    "{\"url\": \"https://x.example\", \"content\": {\"a\": 1}}",
                    "{\"url\": \"https://x.example\", \"author\": \"me\"}",
                })
        @DisplayName("refuses a missing or mistyped field, and an unknown one, with 400")
        void refusesBadArticles(String body) {
            long before = rows();
            failsWith(Failures.BAD_REQUEST, server.store.createArticle(new JsonObject(body)));
            assertEquals(before, rows());
        }

        @Test
        @DisplayName("refuses content larger than limits.max_field_bytes with 413")
        void refusesOversizedContent() {
            String big = "é".repeat(server.config.limits().maxFieldBytes() / 2 + 1);
            String message = failsWith(
                    Failures.TOO_LARGE,
                    server.store.createArticle(
                            new JsonObject().put("url", "https://big.example").put("content", big)));
            assertTrue(message.contains("content"), message);
        }
    }

    @Nested
    @DisplayName("create-batch")
    class Batch {
        @Test
        @DisplayName("inserts every new article and names the ids it inserted and those it ignored")
        void insertsAndIgnores() {
            await(server.store.createArticle(article("b-known", "https://batch.example/known")));
            JsonObject reply = await(server.store.createArticles(batch(
                    article("b-1", "https://batch.example/1"), article("b-known", "https://batch.example/x"),
                    article("b-2", "https://batch.example/2"), article(null, "https://batch.example/generated"))));
            JsonArray inserted = reply.getJsonArray("inserted");
            assertEquals(3, inserted.size());
            assertEquals("b-1", inserted.getString(0));
            assertEquals("b-2", inserted.getString(1));
            assertEquals(new JsonArray().add("b-known"), reply.getJsonArray("ignored"));
            for (Object id : inserted) {
                await(server.store.getArticle((String) id));
            }
            assertEquals(
                    "https://batch.example/known",
                    await(server.store.getArticle("b-known")).getString("url"));
        }

        @Test
        @DisplayName("of two equal ids within one batch, the first wins and the second is reported ignored")
        void firstOfEqualIdsWins() {
            JsonObject reply = await(server.store.createArticles(batch(
                    article("twin", "https://batch.example/twin-first"),
                    article("twin", "https://batch.example/twin-second"))));
            assertEquals(new JsonArray().add("twin"), reply.getJsonArray("inserted"));
            assertEquals(new JsonArray().add("twin"), reply.getJsonArray("ignored"));
            assertEquals(
                    "https://batch.example/twin-first",
                    await(server.store.getArticle("twin")).getString("url"));
        }

        @ParameterizedTest(name = "item {0} is {1}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "3|{\"url\": 42}|url",
                    "0|{\"title\": \"no url\"}|url",
                    "2|\"text\"|JSON object",
                    "4|{\"url\": \"https://x.example\", \"colour\": \"red\"}|colour",
                })
        @DisplayName("with one invalid item writes nothing and names the item and the field")
        void invalidItemWritesNothing(int index, String item, String field) {
            JsonArray items = new JsonArray();
            IntStream.range(0, 5)
                    .forEach(i -> items.add(article("inv-" + index + "-" + i, "https://invalid.example/" + i)));
            items.set(index, Json.decodeValue(item));
            long before = rows();
            String message = failsWith(
                    Failures.BAD_REQUEST, server.store.createArticles(new JsonObject().put("articles", items)));
            assertTrue(message.startsWith("articles[" + index + "]"), message);
            assertTrue(message.contains(field), message);
            assertEquals(before, rows());
        }

        @Test
        @DisplayName("refuses more than limits.max_batch_items articles with 413, and writes nothing")
        void refusesOversizedBatch() {
            JsonArray items = new JsonArray();
            IntStream.range(0, MAX_BATCH + 1).forEach(i -> items.add(article("cap-" + i, "https://cap.example/" + i)));
            long before = rows();
            String message =
                    failsWith(Failures.TOO_LARGE, server.store.createArticles(new JsonObject().put("articles", items)));
            assertTrue(message.contains(String.valueOf(MAX_BATCH)), message);
            assertEquals(before, rows());
            items.remove(MAX_BATCH);
            assertEquals(
                    MAX_BATCH,
                    await(server.store.createArticles(new JsonObject().put("articles", items)))
                            .getJsonArray("inserted")
                            .size());
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"{}", "{\"articles\": null}", "{\"articles\": {}}", "{\"articles\": [], \"extra\": 1}"})
        @DisplayName("refuses a missing or mistyped list with 400 (an empty one is an empty scrape: 200)")
        void refusesBadBatches(String body) {
            failsWith(Failures.BAD_REQUEST, server.store.createArticles(new JsonObject(body)));
        }
    }

    @Nested
    @DisplayName("list")
    class ListArticles {
        @Test
        @DisplayName("is newest first, and an exact url filter returns only that url's articles")
        void listsNewestFirstAndFiltersByUrl() {
            await(server.store.createArticle(article("l-1", "https://list.example/same")));
            await(server.store.createArticle(article("l-2", "https://list.example/other")));
            await(server.store.createArticle(article("l-3", "https://list.example/same")));
            JsonArray newest = await(server.store.listArticles(new JsonObject().put("limit", 3)))
                    .getJsonArray("articles");
            assertEquals(
                    List.of("l-3", "l-2", "l-1"),
                    newest.stream().map(o -> ((JsonObject) o).getString("id")).toList());
            JsonObject same =
                    await(server.store.listArticles(new JsonObject().put("url", "https://list.example/same")));
            assertEquals(2, same.getInteger("count"));
            assertEquals("l-3", same.getJsonArray("articles").getJsonObject(0).getString("id"));
            assertEquals("l-1", same.getJsonArray("articles").getJsonObject(1).getString("id"));
            assertEquals(
                    0,
                    await(server.store.listArticles(new JsonObject().put("url", "https://list.example/sam")))
                            .getInteger("count"));
        }

        @Test
        @DisplayName("pages with limit and offset through every article once, with no gap and no repeat")
        void pagesThroughEverything() {
            JsonArray items = new JsonArray();
            IntStream.range(0, 23).forEach(i -> items.add(article("page-" + i, "https://page.example/all")));
            await(server.store.createArticles(new JsonObject().put("articles", items)));
            Set<String> seen = new HashSet<>();
            int pages = 0;
            for (int offset = 0; ; offset += 5) {
                JsonObject page = await(server.store.listArticles(new JsonObject()
                        .put("url", "https://page.example/all")
                        .put("limit", 5)
                        .put("offset", offset)));
                assertEquals(5, page.getInteger("limit"));
                assertEquals(offset, page.getInteger("offset"));
                if (page.getInteger("count") == 0) {
                    break;
                }
                pages++;
                page.getJsonArray("articles").forEach(a -> assertTrue(seen.add(((JsonObject) a).getString("id"))));
            }
            assertEquals(5, pages);
            assertEquals(23, seen.size());
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "{\"limit\": 0}",
                    "{\"limit\": 1001}",
                    "{\"offset\": -1}",
                    "{\"limit\": \"ten\"}",
                    "{\"url\": 3}",
                    "{\"status\": \"new\"}"
                })
        @DisplayName("refuses a bad page, a mistyped url and an unknown field with 400")
        void refusesBadQueries(String query) {
            failsWith(Failures.BAD_REQUEST, server.store.listArticles(new JsonObject(query)));
        }
    }
}
