DROP INDEX IF EXISTS idx_workflow_status_created_at;
