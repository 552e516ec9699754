-- agentstore: drops-data
-- Removes every table of version 1, and every row with it.
DROP TABLE IF EXISTS workflow_history;
DROP TABLE IF EXISTS workflow_states;
DROP TABLE IF EXISTS agent_versions;
DROP TABLE IF EXISTS alerts;
DROP TABLE IF EXISTS articles;
