package dev.agentstore.store.migration;

import java.util.List;

/**
 * Where a file stands: {@code current} is its highest applied version (0 for none), {@code latest} the
 * highest this code knows; {@code applied} in version order, {@code pending} as migration ids.
 */
public record MigrationStatus(int current, int latest, List<AppliedMigration> applied, List<String> pending) {
    public MigrationStatus {
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
    }
}
