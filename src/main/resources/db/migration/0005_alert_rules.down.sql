-- agentstore: drops-data
-- Removes the alert rules and the consumers' cursors: a keyword monitor starts again from the feed's start.
DROP TABLE IF EXISTS feed_cursors;
DROP TABLE IF EXISTS alert_rules;
