package dev.agentstore.config;

/**
 * Retention (docs/operations.md, "Retention"): rows older than their table's days are deleted, in batches
 * through the writer. 0 days: that table is kept forever.
 *
 * @param workflowsDays workflows in a final status (completed, failed, cancelled) finished this long ago, with
 *     their history
 * @param articlesDays articles created this long ago
 * @param alertsDays alerts created this long ago
 * @param intervalS how often the purge runs, when any table has days
 * @param batchRows rows deleted by one write request: what one purge step adds to a group commit
 * @param idempotencyKeysS how long an idempotency key answers its replays; older keys are purged (always on)
 * @param changesS how long the change feed keeps a change; older ones are purged (always on)
 */
public record RetentionConfig(
        int workflowsDays,
        int articlesDays,
        int alertsDays,
        long intervalS,
        int batchRows,
        long idempotencyKeysS,
        long changesS) {
    public boolean enabled() {
        return workflowsDays > 0 || articlesDays > 0 || alertsDays > 0;
    }
}
