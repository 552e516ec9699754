package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Over the bus the store refuses what it could not give back as it was given")
@RealServer
class StoredValuesBusTest {
    static TestServer server;

    static long rows() {
        return SqliteFiles.number(
                server.workflowDb(),
                "SELECT (SELECT count(*) FROM workflow_states) + (SELECT count(*) FROM workflow_history)"
                        + " + (SELECT count(*) FROM articles) + (SELECT count(*) FROM alerts)"
                        + " + (SELECT count(*) FROM agent_versions)");
    }

    static JsonObject workflow(Object data) {
        return new JsonObject().put("workflow_name", "w").put("initial_data", new JsonObject().put("v", data));
    }

    static JsonObject nested(int depth) {
        JsonObject root = new JsonObject();
        JsonObject o = root;
        for (int i = 1; i < depth; i++) {
            JsonObject child = new JsonObject();
            o.put("k", child);
            o = child;
        }
        return root;
    }

    static Arguments bad(String what, Function<TestServer, Future<?>> call, String detail) {
        return Arguments.of(what, call, detail);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                bad(
                        "an article id with a lone high surrogate",
                        s -> s.store.createArticle(
                                new JsonObject().put("id", "surr-\ud800-x").put("url", "u")),
                        "'id' holds an unpaired surrogate \\ud800 at index 5"),
                bad(
                        "an article url with a lone low surrogate",
                        s -> s.store.createArticle(new JsonObject().put("url", "\udc00")),
                        "'url' holds an unpaired surrogate \\udc00 at index 0"),
                bad(
                        "the content of the third article of a batch",
                        s -> s.store.createArticles(new JsonObject()
                                .put(
                                        "articles",
                                        new JsonArray()
                                                .add(new JsonObject().put("url", "a"))
                                                .add(new JsonObject().put("url", "b"))
                                                .add(new JsonObject()
                                                        .put("url", "c")
                                                        .put("content", "x\ud83d")))),
                        "articles[2]: 'content' holds an unpaired surrogate \\ud83d at index 1"),
                bad(
                        "agent code that ends in half an emoji",
                        s -> s.store.saveAgentVersion(new JsonObject()
                                .put("agent_name", "a")
                                .put("version", "1")
                                .put("code", "print('\ud83d')")),
                        "'code' holds an unpaired surrogate \\ud83d at index 7"),
                bad(
                        "an agent name reversed into low-then-high",
                        s -> s.store.saveAgentVersion(new JsonObject()
                                .put("agent_name", "\ude00\ud83d")
                                .put("version", "1")
                                .put("code", "")),
                        "'agent_name' holds an unpaired surrogate \\ude00 at index 0"),
                bad(
                        "an alert title",
                        s -> s.store.createAlert(new JsonObject().put("title", "t\udbff")),
                        "'title' holds an unpaired surrogate \\udbff at index 1"),
                bad(
                        "a workflow name",
                        s -> s.store.createWorkflow(new JsonObject().put("workflow_name", "\ud800")),
                        "'workflow_name' holds an unpaired surrogate"),
                bad(
                        "a string deep inside initial_data",
                        s -> s.store.createWorkflow(workflow(new JsonArray()
                                .add(1)
                                .add(new JsonObject().put("s", "ok").put("t", "\udfff")))),
                        "'initial_data' holds an unpaired surrogate \\udfff at /initial_data/v/1/t"),
                bad(
                        "a key of initial_data",
                        s -> s.store.createWorkflow(new JsonObject()
                                .put("workflow_name", "w")
                                .put("initial_data", new JsonObject().put("k\ud800", 1))),
                        "'initial_data' holds a key with an unpaired surrogate at /initial_data/k\\ud800"),
                bad(
                        "NaN",
                        s -> s.store.createWorkflow(workflow(Double.NaN)),
                        "'initial_data' holds NaN at /initial_data/v; a stored number must be finite"),
                bad(
                        "Infinity",
                        s -> s.store.createWorkflow(workflow(Double.POSITIVE_INFINITY)),
                        "'initial_data' holds Infinity at /initial_data/v"),
                bad(
                        "-Infinity in an array",
                        s -> s.store.createWorkflow(workflow(new JsonArray().add(Double.NEGATIVE_INFINITY))),
                        "'initial_data' holds -Infinity at /initial_data/v/0"),
                bad(
                        "a Float",
                        s -> s.store.createWorkflow(workflow(1.1f)),
                        "'initial_data' holds a Float at /initial_data/v; put a Double"),
                bad(
                        "a BigDecimal",
                        s -> s.store.createWorkflow(workflow(new BigDecimal("1e400"))),
                        "'initial_data' holds a java.math.BigDecimal at /initial_data/v"),
                bad(
                        "an Instant",
                        s -> s.store.createWorkflow(workflow(Instant.EPOCH)),
                        "'initial_data' holds a java.time.Instant at /initial_data/v"),
                bad(
                        "a byte[]",
                        s -> s.store.createWorkflow(workflow(new byte[] {1})),
                        "'initial_data' holds a [B at /initial_data/v"),
                bad(
                        "a Buffer",
                        s -> s.store.createWorkflow(workflow(Buffer.buffer("x"))),
                        "'initial_data' holds a io.vertx.core.buffer.impl.BufferImpl at /initial_data/v"),
                bad(
                        "a number of 1001 digits",
                        s -> s.store.createWorkflow(workflow(BigInteger.TEN.pow(1000))),
                        "'initial_data' holds a number of more than 1000 digits at /initial_data/v"),
                bad(
                        "a Map with a key that is not a string",
                        s -> s.store.createWorkflow(workflow(Map.of(1, "one"))),
                        "'initial_data' holds a key that is a java.lang.Integer at /initial_data/v"),
                bad(
                        "an object nested 501 levels deep",
                        s -> s.store.createWorkflow(
                                new JsonObject().put("workflow_name", "w").put("initial_data", nested(501))),
                        "'initial_data' holds more than 500 levels of objects and arrays"),
                bad(
                        "an update's data",
                        s -> s.store.updateWorkflow(
                                "no-such-id",
                                new JsonObject().put("data", nested(2).put("n", Double.NaN))),
                        "'data' holds NaN at /data/n"),
                bad(
                        "an update's error message",
                        s -> s.store.updateWorkflow("no-such-id", new JsonObject().put("error_message", "\ud800")),
                        "'error_message' holds an unpaired surrogate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    @DisplayName(
            "a write with a value that would be stored as another is refused with 400 naming it, and writes nothing")
    void refusedAndNothingWritten(String what, Function<TestServer, Future<?>> call, String detail) {
        long before = rows();
        String message = failsWith(Failures.BAD_REQUEST, call.apply(server));
        assertTrue(message.contains(detail), message);
        assertEquals(before, rows());
    }

    @Test
    @DisplayName("surr-\\ud800-x and surr-\\udbff-x, which SQLite's driver would both store as surr-?-x, are refused;"
            + " a lookup with one is refused too instead of finding surr-?-x")
    void loneSurrogatesNoLongerCollide() {
        await(server.store.createArticle(new JsonObject().put("id", "surr-?-x").put("url", "u")));
        failsWith(
                Failures.BAD_REQUEST,
                server.store.createArticle(
                        new JsonObject().put("id", "surr-\ud800-x").put("url", "u")));
        failsWith(
                Failures.BAD_REQUEST,
                server.store.createArticle(
                        new JsonObject().put("id", "surr-\udbff-x").put("url", "u")));
        String message = failsWith(Failures.BAD_REQUEST, server.store.getArticle("surr-\ud800-x"));
        assertTrue(message.startsWith("'id' holds an unpaired surrogate"), message);
        assertEquals("surr-?-x", await(server.store.getArticle("surr-?-x")).getString("id"));
    }

    @Test
    @DisplayName("lookups and list filters with a lone surrogate are refused: workflow, agent, article url")
    void lookupsAreRefused() {
        failsWith(Failures.BAD_REQUEST, server.store.getWorkflow("\ud800"));
        failsWith(Failures.BAD_REQUEST, server.store.getAgentVersion("a", "\udc00"));
        failsWith(Failures.BAD_REQUEST, server.store.latestAgentVersion("\udc00"));
        failsWith(Failures.BAD_REQUEST, server.store.listArticles(new JsonObject().put("url", "\ud800")));
    }

    @Test
    @DisplayName("an alert id beyond 64 bits is a 400 that says so")
    void alertIdBeyondLong() {
        String message = failsWith(
                Failures.BAD_REQUEST,
                server.store.request(
                        dev.agentstore.bus.Addresses.ALERTS,
                        dev.agentstore.bus.Actions.GET,
                        new JsonObject().put("id", BigInteger.TWO.pow(64))));
        assertEquals("'id' must be a whole number of at most 64 bits, got a larger one", message);
    }

    @Test
    @DisplayName("what the store accepts reads back equal: pairs, astral text, NUL, Map and List, every whole-number"
            + " type, BigInteger, -0.0, the smallest double, 500 levels")
    void acceptedValuesReadBackEqual() {
        String astral = "\ud83d\ude00 \ud800\udc00 \udbff\udfff \u0000 \uffff";
        JsonObject data = new JsonObject()
                .put("s", astral)
                .put("i", 7)
                .put("l", Long.MIN_VALUE)
                .put("short", (short) 3)
                .put("byte", (byte) -1)
                .put("big", BigInteger.TEN.pow(999).negate())
                .put("neg0", -0.0)
                .put("tiny", Double.MIN_VALUE)
                .put("max", Double.MAX_VALUE)
                .put("map", Map.of("a", List.of(1, "b")))
                .put("deep", nested(499))
                .put(astral, true);
        JsonObject created = await(server.store.createWorkflow(
                new JsonObject().put("workflow_name", astral).put("initial_data", data)));
        JsonObject stored = await(server.store.getWorkflow(created.getString("id")));
        assertEquals(astral, stored.getString("workflow_name"));
        JsonObject back = stored.getJsonObject("data");
        assertEquals(created.getJsonObject("data"), back);
        assertEquals(astral, back.getString("s"));
        assertEquals(Long.MIN_VALUE, back.getLong("l"));
        assertEquals(BigInteger.TEN.pow(999).negate(), back.getValue("big"));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.getDouble("neg0")));
        assertEquals(Double.MIN_VALUE, back.getDouble("tiny"));
        assertEquals(new JsonObject().put("a", new JsonArray().add(1).add("b")), back.getJsonObject("map"));
        assertEquals(nested(499), back.getJsonObject("deep"));
        assertEquals(
                data.fieldNames().stream().toList(), back.fieldNames().stream().toList());
    }
}
