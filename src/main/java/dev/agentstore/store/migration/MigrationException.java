package dev.agentstore.store.migration;

/** A migration could not run, or the file's schema is not one this code can serve. Nothing was changed. */
public final class MigrationException extends Exception {
    public MigrationException(String message) {
        super(message);
    }
}
