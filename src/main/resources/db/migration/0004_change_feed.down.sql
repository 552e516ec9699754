-- agentstore: drops-data
-- Removes the change feed: readers of it find no change before the next migration up.
DROP TABLE IF EXISTS changes;
