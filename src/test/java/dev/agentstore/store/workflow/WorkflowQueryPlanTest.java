package dev.agentstore.store.workflow;

import static dev.agentstore.support.QueryPlans.assertIndexWalkWithoutSort;
import static dev.agentstore.support.QueryPlans.migrated;
import static dev.agentstore.support.QueryPlans.plan;
import static dev.agentstore.support.SqliteFiles.exec;

import dev.agentstore.support.SqliteFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The list and history queries walk an index in order: no sort (EXPLAIN QUERY PLAN)")
class WorkflowQueryPlanTest {
    static Path fresh;
    static Path analyzed;

    @BeforeAll
    static void files(@TempDir Path dir) throws Exception {
        fresh = migrated(dir.resolve("fresh.db"));
        analyzed = migrated(dir.resolve("analyzed.db"));
        // With statistics (as PRAGMA optimize gathers them) the planner weighs the indexes by their data.
        String[] statuses = {"pending", "running", "completed", "failed", "cancelled"};
        try (Connection c = SqliteFiles.connect(analyzed)) {
            c.setAutoCommit(false);
            try (PreparedStatement wf = c.prepareStatement(
                            "INSERT INTO workflow_states VALUES (?, 'w', ?, NULL, NULL, NULL, ?, ?, NULL, 1)");
                    PreparedStatement h = c.prepareStatement(
                            "INSERT INTO workflow_history (workflow_id, status, created_at) VALUES (?, ?, ?)")) {
                for (int i = 0; i < 2_000; i++) {
                    String at = String.format("2025-11-28T03:%02d:%02d.000Z", i / 60 % 60, i % 60);
                    wf.setString(1, "wf-" + i);
                    wf.setString(2, statuses[i % statuses.length]);
                    wf.setString(3, at);
                    wf.setString(4, at);
                    wf.addBatch();
                    for (int j = 0; j < 3; j++) {
                        h.setString(1, "wf-" + i);
                        h.setString(2, statuses[j]);
                        h.setString(3, at);
                        h.addBatch();
                    }
                }
                wf.executeBatch();
                h.executeBatch();
            }
            c.commit();
        }
        exec(analyzed, "ANALYZE");
    }

    static Path file(boolean withStatistics) {
        return withStatistics ? analyzed : fresh;
    }

    @ParameterizedTest(name = "with statistics: {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("list by status, newest first, searches idx_workflow_status_created_at")
    void listByStatus(boolean withStatistics) throws SQLException {
        assertIndexWalkWithoutSort(
                plan(file(withStatistics), WorkflowSql.LIST_BY_STATUS.byOffset(), "running", 100, 0),
                "SEARCH workflow_states USING INDEX idx_workflow_status_created_at (status=?)");
    }

    @ParameterizedTest(name = "with statistics: {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("history, oldest first, searches idx_history_workflow_id, whose entries end in the id")
    void history(boolean withStatistics) throws SQLException {
        assertIndexWalkWithoutSort(
                plan(file(withStatistics), WorkflowSql.LIST_HISTORY.byOffset(), "wf-7", -1, 0),
                "SEARCH workflow_history USING INDEX idx_history_workflow_id (workflow_id=?)");
    }

    @ParameterizedTest(name = "with statistics: {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("the unfiltered list, newest first, scans idx_workflow_created_at")
    void listAll(boolean withStatistics) throws SQLException {
        assertIndexWalkWithoutSort(
                plan(file(withStatistics), WorkflowSql.LIST.byOffset(), 100, 0),
                "SCAN workflow_states USING INDEX idx_workflow_created_at");
    }

    @ParameterizedTest(name = "with statistics: {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("a page after a token seeks: the key's time after its rowid, then older times; history after an id")
    void pagesAfterATokenSeek(boolean withStatistics) throws SQLException {
        Path db = file(withStatistics);
        String t = "2026-01-01T00:00:00.000Z";
        assertIndexWalkWithoutSort(
                plan(db, WorkflowSql.LIST.afterKey(), t, 5L, 100),
                "SEARCH workflow_states USING INDEX idx_workflow_created_at (created_at=? AND rowid<?)");
        assertIndexWalkWithoutSort(
                plan(db, WorkflowSql.LIST.older(), t, 100),
                "SEARCH workflow_states USING INDEX idx_workflow_created_at (created_at<?)");
        // with statistics SQLite may seek the time's rows in idx_workflow_created_at and test their status: a seek too
        assertIndexWalkWithoutSort(
                plan(db, WorkflowSql.LIST_BY_STATUS.afterKey(), "running", t, 5L, 100), "created_at=? AND rowid<?)");
        assertIndexWalkWithoutSort(
                plan(db, WorkflowSql.LIST_BY_STATUS.older(), "running", t, 100),
                "SEARCH workflow_states USING INDEX idx_workflow_status_created_at (status=? AND created_at<?)");
        assertIndexWalkWithoutSort(
                plan(db, WorkflowSql.LIST_HISTORY.afterKey(), "wf-7", 5L, 100),
                "SEARCH workflow_history USING INDEX idx_history_workflow_id (workflow_id=? AND rowid>?)");
    }
}
