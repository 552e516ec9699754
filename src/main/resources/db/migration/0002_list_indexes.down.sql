DROP INDEX IF EXISTS idx_agent_versions_name_active_created_at;
DROP INDEX IF EXISTS idx_agent_versions_name_created_at;
DROP INDEX IF EXISTS idx_articles_url_created_at;
DROP INDEX IF EXISTS idx_workflow_status_created_at;
