-- List workflows by status, newest first: one index walk, no sort (WorkflowQueryPlanTest checks the plans).
-- History needs no new index: idx_history_workflow_id ends in the rowid, which is workflow_history.id.
CREATE INDEX IF NOT EXISTS idx_workflow_status_created_at ON workflow_states(status, created_at);
