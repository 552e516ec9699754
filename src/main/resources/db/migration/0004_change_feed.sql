-- The change feed (docs/api.md, "Changes"; docs/event-bus.md, "agentstore.changes"). Every write that
-- changes a row appends one row here in its own transaction, so that the feed has every committed change,
-- in commit order, with no gap, across restarts. seq is AUTOINCREMENT: a seq is never given twice, even
-- after the retention purge deleted the rows before it. Appended only, at the end of the table, with no
-- index of its own: what a change costs a write is one row on the table's last page (docs/PERFORMANCE.md).
-- detail: the change's JSON, what a reader of the feed is sent: {"data": <the row as a GET answers it>}
-- and, for a workflow, "history": the history row the change appended. created_ms: for the purge
-- (retention.changes_s), milliseconds since the epoch.
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    time TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    detail TEXT NOT NULL
);
