package dev.agentstore;

import static dev.agentstore.support.SameJson.assertSame;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentstore.support.Entities;
import dev.agentstore.support.Generated;
import dev.agentstore.support.RawJson;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The promise of docs/api.md, "What is stored is what was acknowledged", over generated values: each try
 * writes a workflow (then changes it), an article, an agent version and an alert, with generated text and
 * JSON in every field the store keeps, and reads each back over HTTP and over the bus. Sent, acknowledged
 * and read are the same JSON value ({@link dev.agentstore.support.SameJson}). The tries per property are
 * {@code -Dagentstore.test.tries} (docs/RELIABILITY-notes: the long run).
 */
@DisplayName("Every accepted value reads back exactly as it was acknowledged, over HTTP and over the bus")
@RealServer(config = "database: {workflow: {synchronous: NORMAL}}")
class RoundTripPropertiesTest {
    static TestServer server;

    @Test
    @DisplayName("written over HTTP in every JSON form that denotes the value, read over HTTP and over the bus")
    void writtenOverHttp() {
        Generated.forAll(60, g -> {
            JsonObject wf = Entities.workflow(g);
            JsonObject ack = created(post(g, "/api/workflows", wf)).getJsonObject("workflow");
            checkWorkflow("workflow ack", wf, ack);
            readBack(ack, workflowOverHttp(ack), await(server.store.getWorkflow(ack.getString("id"))));

            JsonObject change = Entities.workflowChange(g);
            JsonObject changed = ok(send(g, HttpMethod.PUT, "/api/workflows/" + ack.getString("id"), change))
                    .getJsonObject("workflow");
            checkWorkflow("update ack", ack.copy().mergeIn(change), changed);
            readBack(changed, workflowOverHttp(changed), await(server.store.getWorkflow(ack.getString("id"))));
            checkHistory(changed, change);

            JsonObject article = Entities.article(g);
            JsonObject storedArticle =
                    created(post(g, "/api/articles", article)).getJsonObject("article");
            sameFields("article ack", article, storedArticle);
            String id = article.getString("id");
            readBack(
                    storedArticle,
                    json(server.get("/api/articles/" + Entities.segment(id))),
                    await(server.store.getArticle(id)));

            String agent = g.name(200);
            JsonObject version = Entities.agentVersion(g);
            JsonObject versionAck = created(post(g, "/api/agents/" + Entities.segment(agent) + "/versions", version))
                    .getJsonObject("agent_version");
            JsonObject withoutCode = version.copy();
            withoutCode.remove("code");
            sameFields("agent version ack", withoutCode.put("agent_name", agent), versionAck);
            String path = "/api/agents/" + Entities.segment(agent) + "/versions/"
                    + Entities.segment(version.getString("version"));
            JsonObject read = json(server.get(path));
            sameFields("agent version read", version, read);
            assertSame(
                    "agent version over the bus",
                    read,
                    await(server.store.getAgentVersion(agent, version.getString("version"))));

            JsonObject alert = Entities.alert(g);
            JsonObject alertAck = created(post(g, "/api/alerts", alert)).getJsonObject("alert");
            sameFields("alert ack", alert, alertAck);
            long alertId = alertAck.getLong("id");
            readBack(alertAck, json(server.get("/api/alerts/" + alertId)), await(server.store.getAlert(alertId)));
        });
    }

    @Test
    @DisplayName("written over the bus as JsonObjects, read over the bus and over HTTP")
    void writtenOverTheBus() {
        Generated.forAll(60, g -> {
            JsonObject wf = Entities.workflow(g);
            JsonObject ack = await(server.store.createWorkflow(wf.copy()));
            checkWorkflow("workflow ack", wf, ack);
            readBack(ack, workflowOverHttp(ack), await(server.store.getWorkflow(ack.getString("id"))));

            JsonObject change = Entities.workflowChange(g);
            JsonObject changed = await(server.store.updateWorkflow(ack.getString("id"), change.copy()));
            checkWorkflow("update ack", ack.copy().mergeIn(change), changed);
            readBack(changed, workflowOverHttp(changed), await(server.store.getWorkflow(ack.getString("id"))));
            checkHistory(changed, change);

            JsonObject article = Entities.article(g);
            JsonObject storedArticle =
                    await(server.store.createArticle(article.copy())).getJsonObject("article");
            sameFields("article ack", article, storedArticle);
            String id = article.getString("id");
            readBack(
                    storedArticle,
                    json(server.get("/api/articles/" + Entities.segment(id))),
                    await(server.store.getArticle(id)));

            String agent = g.name(200);
            JsonObject version = Entities.agentVersion(g).put("agent_name", agent);
            JsonObject versionAck = await(server.store.saveAgentVersion(version.copy()));
            JsonObject withoutCode = version.copy();
            withoutCode.remove("code");
            sameFields("agent version ack", withoutCode, versionAck);
            JsonObject read = await(server.store.getAgentVersion(agent, version.getString("version")));
            sameFields("agent version read", version, read);
            assertSame(
                    "agent version over HTTP",
                    read,
                    json(server.get("/api/agents/" + Entities.segment(agent) + "/versions/"
                            + Entities.segment(version.getString("version")))));

            JsonObject alert = Entities.alert(g);
            JsonObject alertAck = await(server.store.createAlert(alert.copy()));
            sameFields("alert ack", alert, alertAck);
            long alertId = alertAck.getLong("id");
            readBack(alertAck, json(server.get("/api/alerts/" + alertId)), await(server.store.getAlert(alertId)));
        });
    }

    @Test
    @DisplayName(
            "the change feed holds each write as it was acknowledged: the row, and a workflow's history row, over the bus"
                    + " and over HTTP")
    void feedHoldsWhatWasAcknowledged() {
        Generated.forAll(60, g -> {
            Long latest = await(server.store.listChanges(new JsonObject())).getLong("latest");
            long before = latest == null ? 0 : latest;
            JsonObject ack = await(server.store.createWorkflow(Entities.workflow(g)));
            String id = ack.getString("id");
            JsonObject changed = await(server.store.updateWorkflow(id, Entities.workflowChange(g)));
            JsonObject article =
                    await(server.store.createArticle(Entities.article(g))).getJsonObject("article");
            JsonObject alert = await(server.store.createAlert(Entities.alert(g)));
            JsonObject feed = await(server.store.listChanges(new JsonObject().put("after", before)));
            JsonArray changes = feed.getJsonArray("changes");
            assertEquals(4, changes.size(), feed.encode());
            JsonArray history = await(server.store.workflowHistory(id)).getJsonArray("history");
            assertSame("created: the row", ack, changes.getJsonObject(0).getValue("data"));
            assertSame(
                    "created: the history row",
                    history.getValue(0),
                    changes.getJsonObject(0).getValue("history"));
            assertSame("updated: the row", changed, changes.getJsonObject(1).getValue("data"));
            assertSame(
                    "updated: the history row",
                    history.getValue(1),
                    changes.getJsonObject(1).getValue("history"));
            assertSame("article", article, changes.getJsonObject(2).getValue("data"));
            assertSame("alert", alert, changes.getJsonObject(3).getValue("data"));
            assertSame(
                    "over HTTP",
                    changes,
                    json(server.get("/api/changes?after=" + before)).getValue("changes"));
        });
    }

    /** The workflow's fields that the request gave, as given; data is null when none was given. */
    static void checkWorkflow(String where, JsonObject sent, JsonObject ack) {
        assertSame(where + ": workflow_name", sent.getString("workflow_name"), ack.getString("workflow_name"));
        Object data = sent.containsKey("data") ? sent.getValue("data") : sent.getValue("initial_data");
        assertSame(where + ": data", data, ack.getValue("data"));
        for (String field : List.of("current_step", "error_message")) {
            assertSame(where + ": " + field, sent.getValue(field), ack.getValue(field));
        }
    }

    /**
     * The history row of the change: its step is the workflow's, its message the error_message sent, else the
     * Python implementation's "Updated to STATUS" or "State updated".
     */
    static void checkHistory(JsonObject changed, JsonObject change) {
        JsonObject history = json(server.get("/api/workflows/" + changed.getString("id") + "/history"));
        JsonObject last = history.getJsonArray("history")
                .getJsonObject(history.getJsonArray("history").size() - 1);
        assertSame("history step", changed.getValue("current_step"), last.getValue("step"));
        Object message = change.getValue("error_message") != null
                ? change.getValue("error_message")
                : change.getValue("status") != null ? "Updated to " + change.getValue("status") : "State updated";
        assertSame("history message", message, last.getValue("message"));
    }

    /** Every field of {@code sent} is in {@code stored}, the same JSON value (an absent field reads as null). */
    static void sameFields(String where, JsonObject sent, JsonObject stored) {
        for (String field : sent.fieldNames()) {
            assertSame(where + ": " + field, sent.getValue(field), stored.getValue(field));
        }
    }

    /** What was acknowledged is what both reads return. */
    static void readBack(JsonObject ack, JsonObject overHttp, JsonObject overBus) {
        assertSame("read over HTTP", ack, overHttp);
        assertSame("read over the bus", ack, overBus);
    }

    static JsonObject workflowOverHttp(JsonObject wf) {
        return json(server.get("/api/workflows/" + wf.getString("id")));
    }

    static HttpResponse<Buffer> post(Generated g, String uri, JsonObject body) {
        return send(g, HttpMethod.POST, uri, body);
    }

    static HttpResponse<Buffer> send(Generated g, HttpMethod method, String uri, JsonObject body) {
        return await(server.http
                .request(method, uri)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(RawJson.write(g, body))));
    }

    static JsonObject created(HttpResponse<Buffer> r) {
        assertEquals(201, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject();
    }

    static JsonObject ok(HttpResponse<Buffer> r) {
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject();
    }

    static JsonObject json(HttpResponse<Buffer> r) {
        return ok(r);
    }
}
