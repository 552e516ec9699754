-- List workflows by status, newest first: one index walk, no sort (WorkflowQueryPlanTest checks the plans).
-- History needs no new index: idx_history_workflow_id ends in the rowid, which is workflow_history.id.
CREATE INDEX IF NOT EXISTS idx_workflow_status_created_at ON workflow_states(status, created_at);
-- Articles by url, newest first (ArticleQueryPlanTest).
CREATE INDEX IF NOT EXISTS idx_articles_url_created_at ON articles(url, created_at);
-- An agent's versions newest first, and its newest active version (AgentQueryPlanTest). Their entries
-- end in the rowid, which is agent_versions.id, the tie-breaker of both orders.
CREATE INDEX IF NOT EXISTS idx_agent_versions_name_created_at ON agent_versions(agent_name, created_at);
CREATE INDEX IF NOT EXISTS idx_agent_versions_name_active_created_at ON agent_versions(agent_name, is_active, created_at);
