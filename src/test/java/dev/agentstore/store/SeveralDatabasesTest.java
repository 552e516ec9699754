package dev.agentstore.store;

import static dev.agentstore.support.SqliteFiles.count;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Where agent versions live: their own database when configured, else the workflow database")
class SeveralDatabasesTest {
    static void writeOneOfEach(TestServer server) {
        await(server.store.saveAgentVersion(
                new JsonObject().put("agent_name", "placed").put("version", "1").put("code", "c")));
        await(server.store.createWorkflow(new JsonObject().put("workflow_name", "placed")));
        await(server.store.createArticle(new JsonObject().put("id", "placed").put("url", "https://placed.example")));
        await(server.store.createAlert(new JsonObject().put("title", "placed")));
    }

    @Test
    @DisplayName(
            "with database.agent_versions, agent versions land in that file and everything else in the workflow file")
    @RealServer(config = "database: {agent_versions: {path: agents/agent_versions.db, pool_size: 2}}")
    void agentVersionsInTheirOwnDatabase(TestServer server) {
        Path agentsDb = server.dir().resolve("agents").resolve("agent_versions.db");
        writeOneOfEach(server);
        assertEquals("c", await(server.store.getAgentVersion("placed", "1")).getString("code"));
        assertEquals("1", await(server.store.latestAgentVersion("placed")).getString("version"));
        assertEquals(1, count(agentsDb, "agent_versions"));
        assertEquals(0, count(server.workflowDb(), "agent_versions"));
        assertEquals(1, count(server.workflowDb(), "workflow_states"));
        assertEquals(1, count(server.workflowDb(), "articles"));
        assertEquals(1, count(server.workflowDb(), "alerts"));
        assertEquals(0, count(agentsDb, "workflow_states") + count(agentsDb, "articles") + count(agentsDb, "alerts"));
        JsonObject health = await(server.store.health());
        assertEquals(
                "healthy",
                health.getJsonObject("databases")
                        .getJsonObject("agent_versions")
                        .getString("status"));
        assertEquals(
                "healthy",
                health.getJsonObject("databases").getJsonObject("workflow").getString("status"));
        JsonObject stats = await(server.store.stats()).getJsonObject("databases");
        assertEquals( // the version and its change
                2, stats.getJsonObject("agent_versions").getJsonObject("writer").getLong("rows_written"));
        assertEquals("wal", SqliteFiles.text(agentsDb, "PRAGMA journal_mode"));
        assertEquals("wal", SqliteFiles.text(server.workflowDb(), "PRAGMA journal_mode"));
    }

    @Test
    @DisplayName(
            "without database.agent_versions, agent versions land in the workflow file, as in the Python implementation")
    @RealServer
    void agentVersionsInTheWorkflowDatabase(TestServer server) {
        writeOneOfEach(server);
        assertEquals(1, count(server.workflowDb(), "agent_versions"));
        assertEquals(1, count(server.workflowDb(), "articles"));
        assertEquals(1, await(server.store.stats()).getJsonObject("databases").size());
    }
}
