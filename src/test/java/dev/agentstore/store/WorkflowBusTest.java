package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Actions;
import dev.agentstore.bus.Addresses;
import dev.agentstore.bus.Failures;
import dev.agentstore.store.migration.Migrations;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The workflow contract on the event bus (agentstore.workflows)")
@RealServer
class WorkflowBusTest {
    static TestServer server;

    static JsonObject create(String name) {
        return await(server.store.createWorkflow(new JsonObject().put("workflow_name", name)));
    }

    @Nested
    @DisplayName("create")
    class Create {
        @Test
        @DisplayName("stores a pending workflow with its data and a first history row")
        void createsPendingWorkflow() {
            JsonObject wf = await(server.store.createWorkflow(new JsonObject()
                    .put("workflow_name", "scrape")
                    .put("initial_data", new JsonObject().put("url", "https://a.example"))));
            assertEquals("pending", wf.getString("status"));
            assertEquals("scrape", wf.getString("workflow_name"));
            assertEquals("https://a.example", wf.getJsonObject("data").getString("url"));
            assertTrue(wf.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
            assertNull(wf.getString("completed_at"));
            assertEquals(wf, await(server.store.getWorkflow(wf.getString("id"))));
            JsonArray history =
                    await(server.store.workflowHistory(wf.getString("id"))).getJsonArray("history");
            assertEquals(1, history.size());
            assertEquals("pending", history.getJsonObject(0).getString("status"));
        }

        @Test
        @DisplayName("refuses a missing name, a name of the wrong type and unknown fields with 400")
        void refusesBadBodies() {
            failsWith(Failures.BAD_REQUEST, server.store.createWorkflow(new JsonObject()));
            failsWith(Failures.BAD_REQUEST, server.store.createWorkflow(new JsonObject().put("workflow_name", 5)));
            failsWith(
                    Failures.BAD_REQUEST,
                    server.store.createWorkflow(
                            new JsonObject().put("workflow_name", "x").put("nme", 1)));
            failsWith(
                    Failures.BAD_REQUEST,
                    server.store.createWorkflow(
                            new JsonObject().put("workflow_name", "x").put("initial_data", "text")));
        }

        @Test
        @DisplayName("refuses initial_data larger than limits.max_field_bytes with 413")
        void refusesOversizedData() {
            String big = "x".repeat(server.config.limits().maxFieldBytes() + 1);
            failsWith(
                    Failures.TOO_LARGE,
                    server.store.createWorkflow(new JsonObject()
                            .put("workflow_name", "big")
                            .put("initial_data", new JsonObject().put("blob", big))));
        }
    }

    @Nested
    @DisplayName("update")
    class Update {
        @Test
        @DisplayName("moves status and step, records each change in history, sets completed_at on a final status")
        void updatesAndRecordsHistory() {
            String id = create("run").getString("id");
            JsonObject running = await(server.store.updateWorkflow(
                    id, new JsonObject().put("status", "running").put("current_step", "fetch")));
            assertEquals("running", running.getString("status"));
            assertEquals("fetch", running.getString("current_step"));
            JsonObject step = await(server.store.updateWorkflow(
                    id, new JsonObject().put("current_step", "parse").put("data", new JsonObject().put("pages", 3))));
            assertEquals("running", step.getString("status"));
            assertEquals(3, step.getJsonObject("data").getInteger("pages"));
            JsonObject done = await(server.store.updateWorkflow(id, new JsonObject().put("status", "completed")));
            assertNotNull(done.getString("completed_at"));
            assertEquals(done, await(server.store.getWorkflow(id)));
            JsonArray history = await(server.store.workflowHistory(id)).getJsonArray("history");
            assertEquals(4, history.size());
            assertEquals("running", history.getJsonObject(1).getString("status"));
            assertEquals("fetch", history.getJsonObject(1).getString("step"));
            assertEquals("parse", history.getJsonObject(2).getString("step"));
            assertEquals("completed", history.getJsonObject(3).getString("status"));
        }

        @Test
        @DisplayName("keeps the error message of a failed workflow, in the row and in its history")
        void recordsErrorMessage() {
            String id = create("fails").getString("id");
            JsonObject failed = await(server.store.updateWorkflow(
                    id, new JsonObject().put("status", "failed").put("error_message", "timeout")));
            assertEquals("timeout", failed.getString("error_message"));
            JsonArray history = await(server.store.workflowHistory(id)).getJsonArray("history");
            assertEquals("timeout", history.getJsonObject(1).getString("message"));
        }

        @Test
        @DisplayName("refuses any change to a completed, failed or cancelled workflow with 409, and changes nothing")
        void finalStatusesRefuseChanges() {
            for (String fin : new String[] {"completed", "failed", "cancelled"}) {
                String id = create("final-" + fin).getString("id");
                await(server.store.updateWorkflow(id, new JsonObject().put("status", fin)));
                JsonObject before = await(server.store.getWorkflow(id));
                failsWith(
                        Failures.CONFLICT, server.store.updateWorkflow(id, new JsonObject().put("status", "running")));
                failsWith(
                        Failures.CONFLICT,
                        server.store.updateWorkflow(id, new JsonObject().put("current_step", "again")));
                assertEquals(before, await(server.store.getWorkflow(id)));
                assertEquals(
                        2,
                        await(server.store.workflowHistory(id))
                                .getJsonArray("history")
                                .size());
            }
        }

        @Test
        @DisplayName("refuses an unknown status and an empty change with 400, an unknown id with 404")
        void refusesBadUpdates() {
            String id = create("bad-updates").getString("id");
            assertTrue(failsWith(
                            Failures.BAD_REQUEST,
                            server.store.updateWorkflow(id, new JsonObject().put("status", "paused")))
                    .contains("paused"));
            failsWith(Failures.BAD_REQUEST, server.store.updateWorkflow(id, new JsonObject()));
            failsWith(
                    Failures.NOT_FOUND,
                    server.store.updateWorkflow("no-such-id", new JsonObject().put("status", "running")));
            assertEquals("pending", await(server.store.getWorkflow(id)).getString("status"));
        }

        @Test
        @DisplayName("refuses an unknown field with 400 listing what a change may hold; id, the key, is not offered")
        void unknownFieldListsWhatTheChangeMayHold() {
            String id = create("unknown-field").getString("id");
            JsonObject before = await(server.store.getWorkflow(id));
            assertEquals(
                    "unknown field 'priority'; allowed: current_step, data, error_message, status",
                    failsWith(
                            Failures.BAD_REQUEST,
                            server.store.updateWorkflow(
                                    id,
                                    new JsonObject().put("status", "running").put("priority", 1))));
            assertEquals(before, await(server.store.getWorkflow(id)));
        }
    }

    @Nested
    @DisplayName("get, list and history")
    class Reads {
        @Test
        @DisplayName("get and history of an unknown id fail with 404")
        void unknownIdIsNotFound() {
            failsWith(Failures.NOT_FOUND, server.store.getWorkflow("missing"));
            failsWith(Failures.NOT_FOUND, server.store.workflowHistory("missing"));
        }

        @Test
        @DisplayName("list is newest first, filters by status, and pages with limit and offset")
        void listsNewestFirst() {
            String a = create("list-a").getString("id");
            String b = create("list-b").getString("id");
            String c = create("list-c").getString("id");
            await(server.store.updateWorkflow(b, new JsonObject().put("status", "cancelled")));
            JsonArray all = await(server.store.listWorkflows(new JsonObject().put("limit", 3)))
                    .getJsonArray("workflows");
            assertEquals(c, all.getJsonObject(0).getString("id"));
            assertEquals(b, all.getJsonObject(1).getString("id"));
            assertEquals(a, all.getJsonObject(2).getString("id"));
            JsonObject page = await(
                    server.store.listWorkflows(new JsonObject().put("limit", 1).put("offset", 1)));
            assertEquals(1, page.getInteger("count"));
            assertEquals(b, page.getJsonArray("workflows").getJsonObject(0).getString("id"));
            JsonArray cancelled = await(server.store.listWorkflows(new JsonObject().put("status", "cancelled")))
                    .getJsonArray("workflows");
            assertTrue(cancelled.stream()
                    .allMatch(o -> ((JsonObject) o).getString("status").equals("cancelled")));
            assertTrue(cancelled.stream()
                    .anyMatch(o -> ((JsonObject) o).getString("id").equals(b)));
        }

        @Test
        @DisplayName("list refuses a limit outside 1..1000, a negative offset and an unknown status with 400")
        void listRefusesBadQueries() {
            failsWith(Failures.BAD_REQUEST, server.store.listWorkflows(new JsonObject().put("limit", 0)));
            failsWith(Failures.BAD_REQUEST, server.store.listWorkflows(new JsonObject().put("limit", 1001)));
            failsWith(Failures.BAD_REQUEST, server.store.listWorkflows(new JsonObject().put("offset", -1)));
            failsWith(Failures.BAD_REQUEST, server.store.listWorkflows(new JsonObject().put("status", "done")));
            failsWith(Failures.BAD_REQUEST, server.store.listWorkflows(new JsonObject().put("limit", "ten")));
        }
    }

    @Nested
    @DisplayName("the contract itself")
    class Contract {
        @Test
        @DisplayName("an unknown action, a missing action header and a body that is not an object fail with 400")
        void malformedMessagesFail() {
            failsWith(Failures.BAD_REQUEST, server.store.request(Addresses.WORKFLOWS, "delete", new JsonObject()));
            failsWith(Failures.BAD_REQUEST, server.vertx.eventBus().request(Addresses.WORKFLOWS, new JsonObject()));
            failsWith(
                    Failures.BAD_REQUEST,
                    server.vertx
                            .eventBus()
                            .request(
                                    Addresses.WORKFLOWS,
                                    "text",
                                    new DeliveryOptions().addHeader(Actions.HEADER, Actions.LIST)));
            failsWith(Failures.BAD_REQUEST, server.store.request(Addresses.STORE, "explode", new JsonObject()));
        }

        @Test
        @DisplayName("stats reports each database's pool and writer, and health reports it healthy")
        void statsAndHealth() {
            create("stats");
            JsonObject stats =
                    await(server.store.stats()).getJsonObject("databases").getJsonObject("workflow");
            assertTrue(stats.getLong("connections_created")
                    >= server.config.workflow().poolSize());
            assertTrue(stats.getJsonObject("writer").getLong("transactions") >= 1);
            assertTrue(stats.getJsonObject("writer").getLong("rows_written") >= 2);
            JsonObject health = await(server.store.health());
            assertEquals("healthy", health.getString("status"));
            assertEquals(
                    Migrations.classpath().latest(),
                    health.getJsonObject("databases").getJsonObject("workflow").getInteger("schema_version"));
        }
    }
}
