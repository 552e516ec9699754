-- Keyword alert rules (docs/api.md, "Alert rules") and the cursors of feed consumers (docs/event-bus.md,
-- "Consumers' cursors"): what the keyword monitor, a sibling verticle, keeps in the store through the bus.
-- A rule is never deleted, only marked: created_seq and deleted_seq are the change-feed seqs of its creation
-- and of its deletion, so that a consumer that replays the feed knows which rules applied to each change
-- (a rule applies to the articles whose change seq lies between them), even after a restart.
-- keywords: a JSON array of strings. match_title, match_content: 1 or 0.
CREATE TABLE IF NOT EXISTS alert_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT,
    keywords TEXT NOT NULL,
    match_title INTEGER NOT NULL,
    match_content INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_seq INTEGER,
    deleted_at TEXT,
    deleted_seq INTEGER
);
-- seq: the last change the consumer has handled; it resumes after it.
CREATE TABLE IF NOT EXISTS feed_cursors (
    consumer TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
