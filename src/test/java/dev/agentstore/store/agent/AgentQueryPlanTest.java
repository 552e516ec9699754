package dev.agentstore.store.agent;

import static dev.agentstore.support.QueryPlans.assertIndexWalkWithoutSort;
import static dev.agentstore.support.QueryPlans.migrated;
import static dev.agentstore.support.QueryPlans.plan;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("An agent's versions and its latest active version come from an index in order: no sort")
class AgentQueryPlanTest {
    @Test
    @DisplayName(
            "versions newest first search idx_agent_versions_name_created_at; the latest active one idx_agent_versions_name_active_created_at")
    void versionQueriesUseIndexes(@TempDir Path dir) throws Exception {
        Path db = migrated(dir.resolve("a.db"));
        assertIndexWalkWithoutSort(
                plan(db, AgentSql.SELECT_LATEST_ACTIVE, "agent"),
                "SEARCH agent_versions USING INDEX idx_agent_versions_name_active_created_at (agent_name=? AND is_active=?)");
        assertIndexWalkWithoutSort(
                plan(db, AgentSql.LIST_VERSIONS.byOffset(), "agent", 20, 0),
                "SEARCH agent_versions USING INDEX idx_agent_versions_name_created_at (agent_name=?)");
        assertIndexWalkWithoutSort(
                plan(db, AgentSql.LIST_VERSIONS_WITH_CODE.byOffset(), "agent", 20, 0),
                "SEARCH agent_versions USING INDEX idx_agent_versions_name_created_at (agent_name=?)");
        String t = "2026-01-01T00:00:00.000Z";
        assertIndexWalkWithoutSort(
                plan(db, AgentSql.LIST_VERSIONS.afterKey(), "agent", t, 5L, 20),
                "SEARCH agent_versions USING INDEX idx_agent_versions_name_created_at (agent_name=? AND created_at=? AND rowid<?)");
        assertIndexWalkWithoutSort(
                plan(db, AgentSql.LIST_VERSIONS.older(), "agent", t, 20),
                "SEARCH agent_versions USING INDEX idx_agent_versions_name_created_at (agent_name=? AND created_at<?)");
    }
}
