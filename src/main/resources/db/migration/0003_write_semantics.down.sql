-- agentstore: drops-data
-- Removes the row versions and the stored answers of idempotency keys: their retries run again.
DROP TABLE IF EXISTS idempotency_keys;
ALTER TABLE agent_versions DROP COLUMN row_version;
ALTER TABLE workflow_states DROP COLUMN version;
