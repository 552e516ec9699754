package dev.agentstore.store.migration;

/**
 * One row of {@code schema_version}.
 *
 * @param appliedAt as recorded: this code's UTC ISO-8601, or the Python implementation's local form
 * @param checksum SHA-256 of the up script when it was applied; null for versions the Python
 *     implementation recorded (there is nothing to compare)
 */
public record AppliedMigration(int version, String name, String appliedAt, String checksum) {}
