-- Writes that agents can retry (docs/api.md, "Retries and concurrent writers").
-- A version per workflow and per agent version, bumped by every change: the ETag of a GET and the
-- expected version of an update. Rows of older files start at 1. agent_versions already has a version
-- column (the version's name), so its counter is row_version.
ALTER TABLE workflow_states ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agent_versions ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;

-- The first answer to each idempotency key, written in the transaction of the write it answered; a
-- replay within the retention answers from here. fingerprint: SHA-256 of the operation and its body.
-- caller: whose key it is (the API key's name over HTTP), so that one caller never sees another's answer.
-- id grows with the time of the write (one writer appends them), so the purge walks the table from its
-- start and needs no index of its own on created_ms (milliseconds since the epoch): one index less to
-- write for every keyed request (docs/PERFORMANCE.md).
CREATE TABLE IF NOT EXISTS idempotency_keys (
    id INTEGER PRIMARY KEY,
    caller TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    response TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    UNIQUE (caller, key)
);
