package dev.agentstore.store;

/**
 * The store stopped, but a database's WAL could not be checkpointed into its file: its {@code -wal} is
 * left, and the main file alone is not complete. The message says, per database, why and what is left.
 * {@code Main} exits with status 4 on it.
 */
public final class CheckpointFailedException extends RuntimeException {
    public CheckpointFailedException(String message) {
        super(message, null, false, false);
    }
}
