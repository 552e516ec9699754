package dev.agentstore;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Bus;
import dev.agentstore.support.Entities;
import dev.agentstore.support.Generated;
import dev.agentstore.support.Http;
import dev.agentstore.support.RawJson;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SameJson;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Generated bad inputs: a valid body of a random write with one defect at a place drawn at random, over
 * HTTP as bytes (a lone surrogate escape, invalid or overlong UTF-8, a key given twice, a number beyond a
 * double) and over the bus as Java values (a lone surrogate in any text or key, NaN, Infinity, a Float, a
 * BigDecimal, an Instant, a byte[], a number of 1001 digits, 501 levels). Each must be a 400 that names
 * the check that caught it, and change nothing in the file.
 */
@DisplayName("Every bad input is refused with 400 and changes nothing, over HTTP and over the bus")
@RealServer(config = "database: {workflow: {synchronous: NORMAL}}")
class RefusedInputsPropertiesTest {
    static TestServer server;
    static Connection db;
    static String workflowId;
    static final String AGENT = "agent \uD83E\uDD16";
    static final String VERSION = "1.0";

    @BeforeAll
    static void existing() throws SQLException {
        db = SqliteFiles.open(server.workflowDb());
        workflowId = await(server.store.createWorkflow(new JsonObject().put("workflow_name", "w")))
                .getString("id");
        await(server.store.saveAgentVersion(new JsonObject()
                .put("agent_name", AGENT)
                .put("version", VERSION)
                .put("code", "")));
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    /** What a refused write must leave as it was: every table's rows, and the versions' active flags. */
    static String fingerprint() throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM workflow_states),"
                        + " (SELECT count(*) FROM workflow_history), (SELECT count(*) FROM articles),"
                        + " (SELECT count(*) FROM alerts), (SELECT count(*) FROM agent_versions),"
                        + " (SELECT total(is_active) FROM agent_versions)")) {
            rs.next();
            return rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3) + "/" + rs.getString(4) + "/"
                    + rs.getString(5) + "/" + rs.getString(6);
        }
    }

    record Write(HttpMethod method, String uri, JsonObject body) {}

    static Write write(Generated g) {
        String agent = "/api/agents/" + Entities.segment(AGENT) + "/versions";
        return switch (g.between(0, 7)) {
            case 0 -> new Write(HttpMethod.POST, "/api/workflows", Entities.workflow(g));
            case 1 -> new Write(HttpMethod.PUT, "/api/workflows/" + workflowId, Entities.workflowChange(g));
            case 2 -> new Write(HttpMethod.POST, "/api/articles", Entities.article(g));
            case 3 -> new Write(HttpMethod.POST, "/api/articles", batch(g, "articles", Entities::article));
            case 4 -> new Write(HttpMethod.POST, "/api/alerts", Entities.alert(g));
            case 5 -> new Write(HttpMethod.POST, "/api/alerts", batch(g, "alerts", Entities::alert));
            case 6 -> new Write(HttpMethod.POST, agent, Entities.agentVersion(g));
            default ->
                new Write(
                        HttpMethod.PUT,
                        agent + "/" + Entities.segment(VERSION),
                        new JsonObject().put("is_active", g.chance(0.5)));
        };
    }

    static JsonObject batch(Generated g, String field, java.util.function.Function<Generated, JsonObject> item) {
        JsonArray items = new JsonArray();
        for (int i = g.between(1, 3); i > 0; i--) {
            items.add(item.apply(g));
        }
        return new JsonObject().put(field, items);
    }

    @Test
    @DisplayName("over HTTP: lone surrogate escapes, invalid and overlong UTF-8, repeated keys, 1e400 and 1e-400")
    void overHttp() {
        Generated.forAll(250, g -> {
            Write w = write(g);
            RawJson.Defect defect = g.oneOf(RawJson.Defect.values());
            byte[] body = RawJson.withDefect(g, w.body(), defect);
            String before = fingerprint();
            var r = await(server.http
                    .request(w.method(), w.uri())
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer(body)));
            String detail = Http.problem(400, r);
            assertTrue(
                    detail.contains(defect.detail),
                    defect + ": " + SameJson.show(detail) + "\n body: " + SameJson.show(new String(body)));
            assertEquals(before, fingerprint(), "the refused write changed the file");
        });
    }

    /** A Java value the store must refuse in a stored object, and the words of its 400. */
    record Bad(Object value, String detail) {}

    static Bad badValue(Generated g) {
        return switch (g.between(0, 8)) {
            case 0 ->
                new Bad(g.oneOf(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY), "must be finite");
            case 1 -> new Bad((float) g.finiteDouble(), "holds a Float");
            case 2 ->
                new Bad(new BigDecimal(g.between(-1000, 1000)).scaleByPowerOfTen(g.between(-400, 400)), "BigDecimal");
            case 3 -> new Bad(Instant.ofEpochSecond(g.between(0, 2_000_000_000)), "java.time.Instant");
            case 4 -> new Bad(new byte[g.between(0, 3)], "holds a [B");
            case 5 ->
                new Bad(BigInteger.TEN.pow(1000).add(BigInteger.valueOf(g.between(0, 9))), "more than 1000 digits");
            case 6 -> new Bad(deep(501), "more than 500 levels");
            default -> new Bad(withLoneSurrogate(g, g.text(20)), "unpaired surrogate");
        };
    }

    static JsonObject deep(int levels) {
        JsonObject o = new JsonObject();
        for (int i = 1; i < levels; i++) {
            o = new JsonObject().put("k", o);
        }
        return o;
    }

    static String withLoneSurrogate(Generated g, String s) {
        int at = s.offsetByCodePoints(0, g.between(0, s.codePointCount(0, s.length())));
        String lone = switch (g.between(0, 2)) {
            case 0 -> String.valueOf((char) g.between(0xD800, 0xDBFF));
            case 1 -> String.valueOf((char) g.between(0xDC00, 0xDFFF));
            default -> "" + (char) g.between(0xDC00, 0xDFFF) + (char) g.between(0xD800, 0xDBFF);
        };
        return s.substring(0, at) + lone + s.substring(at);
    }

    /** Where a bad value can go: a string anywhere in the body, or any place inside a stored object. */
    static void collect(Object v, boolean stored, List<Consumer<Object>> strings, List<Consumer<Object>> inside) {
        if (v instanceof JsonObject o) {
            for (String k : new ArrayList<>(o.fieldNames())) {
                Object child = o.getValue(k);
                if (child instanceof String) {
                    strings.add(bad -> o.put(k, bad));
                }
                if (stored || k.equals("initial_data") || k.equals("data")) {
                    if (stored) {
                        inside.add(bad -> o.put(k, bad));
                    }
                    collect(child, true, strings, inside);
                } else {
                    collect(child, false, strings, inside);
                }
            }
            if (stored) {
                inside.add(bad -> o.put("added", bad));
            }
        } else if (v instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                int index = i;
                if (a.getValue(i) instanceof String) {
                    strings.add(bad -> a.set(index, bad));
                }
                if (stored) {
                    inside.add(bad -> a.set(index, bad));
                }
                collect(a.getValue(i), stored, strings, inside);
            }
            if (stored) {
                inside.add(a::add);
            }
        }
    }

    @Test
    @DisplayName("over the bus: lone surrogates in any text, NaN, Infinity, Float, BigDecimal, Instant, byte[],"
            + " 1001 digits, 501 levels")
    void overTheBus() {
        Generated.forAll(300, g -> {
            Write w;
            do { // every write but set-active, whose body holds nothing that is stored
                w = write(g);
            } while (w.method() == HttpMethod.PUT && w.uri().startsWith("/api/agents/"));
            JsonObject body = w.body();
            List<Consumer<Object>> strings = new ArrayList<>();
            List<Consumer<Object>> inside = new ArrayList<>();
            collect(body, false, strings, inside);
            Bad bad = badValue(g);
            if (inside.isEmpty() || !strings.isEmpty() && g.chance(0.3)) {
                bad = new Bad(withLoneSurrogate(g, g.text(20)), "unpaired surrogate");
                strings.get(g.between(0, strings.size() - 1)).accept(bad.value());
            } else {
                inside.get(g.between(0, inside.size() - 1)).accept(bad.value());
            }
            String before = fingerprint();
            String message = Bus.failsWith(400, call(w, body));
            assertTrue(message.contains(bad.detail()), SameJson.show(message) + "\n body: " + SameJson.show(body));
            assertEquals(before, fingerprint(), "the refused write changed the file");
        });
    }

    static Future<JsonObject> call(Write w, JsonObject body) {
        if (w.uri().equals("/api/workflows")) {
            return server.store.createWorkflow(body);
        } else if (w.uri().startsWith("/api/workflows/")) {
            return server.store.updateWorkflow(workflowId, body);
        } else if (w.uri().equals("/api/articles")) {
            return body.containsKey("articles") ? server.store.createArticles(body) : server.store.createArticle(body);
        } else if (w.uri().equals("/api/alerts")) {
            return body.containsKey("alerts") ? server.store.createAlerts(body) : server.store.createAlert(body);
        }
        return server.store.saveAgentVersion(body.put("agent_name", AGENT));
    }
}
