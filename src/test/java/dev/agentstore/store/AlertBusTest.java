package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Actions;
import dev.agentstore.bus.Addresses;
import dev.agentstore.bus.Failures;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The alert contract on the event bus (agentstore.alerts)")
@RealServer(config = "limits: {max_batch_items: " + AlertBusTest.MAX_BATCH + "}")
class AlertBusTest {
    static final int MAX_BATCH = 20;

    static TestServer server;

    static JsonObject alert(String title) {
        return new JsonObject()
                .put("title", title)
                .put("message", "keyword found in " + title)
                .put("source_url", "https://alerts.example/" + title);
    }

    static long rows() {
        return SqliteFiles.number(server.workflowDb(), "SELECT count(*) FROM alerts");
    }

    @Test
    @DisplayName("create numbers the alert and returns it; get returns the same alert")
    void insertsAndGets() {
        JsonObject created = await(server.store.createAlert(alert("ai")));
        long id = created.getLong("id");
        assertTrue(id > 0);
        assertEquals("ai", created.getString("title"));
        assertEquals("https://alerts.example/ai", created.getString("source_url"));
        assertTrue(created.getString("created_at").endsWith("Z"));
        assertEquals(created, await(server.store.getAlert(id)));
    }

    @Test
    @DisplayName("create keeps an absent message and source_url null")
    void optionalFieldsAreNull() {
        JsonObject created = await(server.store.createAlert(new JsonObject().put("title", "bare")));
        JsonObject stored = await(server.store.getAlert(created.getLong("id")));
        assertNull(stored.getString("message"));
        assertNull(stored.getString("source_url"));
    }

    @Test
    @DisplayName("get of an unknown id fails with 404, and an id that is not a whole number with 400")
    void unknownIdIsNotFound() {
        failsWith(Failures.NOT_FOUND, server.store.getAlert(999_999));
        failsWith(
                Failures.BAD_REQUEST,
                server.store.request(Addresses.ALERTS, Actions.GET, new JsonObject().put("id", "7")));
    }

    @Test
    @DisplayName("list is newest first and pages with limit and offset")
    void listsNewestFirst() {
        long a = await(server.store.createAlert(alert("list-a"))).getLong("id");
        long b = await(server.store.createAlert(alert("list-b"))).getLong("id");
        long c = await(server.store.createAlert(alert("list-c"))).getLong("id");
        JsonObject page = await(server.store.listAlerts(new JsonObject().put("limit", 3)));
        assertEquals(List.of(c, b, a), ids(page.getJsonArray("alerts")));
        JsonObject second =
                await(server.store.listAlerts(new JsonObject().put("limit", 1).put("offset", 1)));
        assertEquals(1, second.getInteger("count"));
        assertEquals(List.of(b), ids(second.getJsonArray("alerts")));
    }

    @Test
    @DisplayName("create-batch inserts every alert and replies their ids in the batch's order")
    void batchInsertsAll() {
        JsonArray items = new JsonArray();
        IntStream.range(0, MAX_BATCH).forEach(i -> items.add(alert("batch-" + i)));
        JsonObject reply = await(server.store.createAlerts(new JsonObject().put("alerts", items)));
        JsonArray inserted = reply.getJsonArray("inserted");
        assertEquals(MAX_BATCH, inserted.size());
        assertEquals(new JsonArray(), reply.getJsonArray("ignored"));
        for (int i = 0; i < MAX_BATCH; i++) {
            assertEquals(
                    "batch-" + i,
                    await(server.store.getAlert(inserted.getLong(i))).getString("title"));
        }
        JsonArray newest =
                await(server.store.listAlerts(new JsonObject().put("limit", 1))).getJsonArray("alerts");
        assertEquals(inserted.getLong(MAX_BATCH - 1), newest.getJsonObject(0).getLong("id"));
    }

    @Test
    @DisplayName("create-batch with one invalid item writes nothing and names the item")
    void invalidItemWritesNothing() {
        JsonArray items = new JsonArray();
        IntStream.range(0, 5).forEach(i -> items.add(alert("atomic-" + i)));
        items.getJsonObject(3).put("message", 12);
        long before = rows();
        String message =
                failsWith(Failures.BAD_REQUEST, server.store.createAlerts(new JsonObject().put("alerts", items)));
        assertTrue(message.startsWith("alerts[3]") && message.contains("message"), message);
        assertEquals(before, rows());
    }

    @Test
    @DisplayName("create-batch refuses more than limits.max_batch_items alerts with 413, and writes nothing")
    void refusesOversizedBatch() {
        JsonArray items = new JsonArray();
        IntStream.range(0, MAX_BATCH + 1).forEach(i -> items.add(alert("cap-" + i)));
        long before = rows();
        failsWith(Failures.TOO_LARGE, server.store.createAlerts(new JsonObject().put("alerts", items)));
        assertEquals(before, rows());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{}",
                "{\"title\": \" \"}",
                "{\"title\": 1}",
                "{\"title\": \"t\", \"source_url\": false}",
                "{\"title\": \"t\", \"id\": 5}",
                "{\"title\": \"t\", \"severity\": \"high\"}"
            })
    @DisplayName("create refuses a missing or mistyped field, an id and an unknown field with 400")
    void refusesBadAlerts(String body) {
        long before = rows();
        failsWith(Failures.BAD_REQUEST, server.store.createAlert(new JsonObject(body)));
        assertEquals(before, rows());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"limit\": 0}", "{\"offset\": -5}", "{\"url\": \"x\"}"})
    @DisplayName("list refuses a bad page and an unknown field with 400")
    void refusesBadQueries(String query) {
        failsWith(Failures.BAD_REQUEST, server.store.listAlerts(new JsonObject(query)));
    }

    static List<Long> ids(JsonArray alerts) {
        return alerts.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
    }
}
