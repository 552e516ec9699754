package dev.agentstore.store.migration;

/**
 * The SQL of the {@code schema_version} table and of the migration transactions. The table is the Python
 * implementation's ({@code version, name, applied_at}); this code adds {@code checksum}.
 */
public final class SchemaVersionSql {
    /** The version a file is at; also the health probe's query, which must read a real table of ours. */
    public static final String CURRENT_VERSION = "SELECT max(version) FROM schema_version";

    static final String TABLE_EXISTS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
    static final String COLUMN_EXISTS = "SELECT 1 FROM pragma_table_info(?) WHERE name = ?";
    static final String ADD_CHECKSUM = "ALTER TABLE schema_version ADD COLUMN checksum TEXT";
    static final String APPLIED = "SELECT version, name, applied_at, checksum FROM schema_version ORDER BY version";
    /** A table made by the Python implementation, before this code first migrated it, has no checksum. */
    static final String APPLIED_WITHOUT_CHECKSUM =
            "SELECT version, name, applied_at, NULL AS checksum FROM schema_version ORDER BY version";

    static final String RECORD = "INSERT INTO schema_version (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)";
    static final String ERASE = "DELETE FROM schema_version WHERE version = ?";

    /** IMMEDIATE: the version is re-read inside, and a deferred read-then-write would fail with SQLITE_BUSY. */
    static final String BEGIN = "BEGIN IMMEDIATE";

    static final String COMMIT = "COMMIT";
    static final String ROLLBACK = "ROLLBACK";

    private SchemaVersionSql() {}
}
