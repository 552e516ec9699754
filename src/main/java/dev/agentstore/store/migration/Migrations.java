package dev.agentstore.store.migration;

import static dev.agentstore.store.migration.SchemaVersionSql.BEGIN;
import static dev.agentstore.store.migration.SchemaVersionSql.COMMIT;
import static dev.agentstore.store.migration.SchemaVersionSql.ROLLBACK;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Applies the ordered SQL migrations and records them in the Python implementation's
 * {@code schema_version} table, to which it adds a {@code checksum} column. Each migration runs in its
 * own {@code BEGIN IMMEDIATE} transaction, and the current version is read again inside it, so that two
 * processes starting on one new file at once apply each migration exactly once: the second waits on the
 * write lock (busy_timeout), then finds the work done.
 */
public final class Migrations {
    private static final Migrations CLASSPATH = new Migrations(MigrationScripts.classpath());

    private final List<Migration> all;

    /** {@code all} must hold versions 1, 2, 3... in order; tests give their own list here. */
    Migrations(List<Migration> all) {
        if (all.isEmpty()) {
            throw new IllegalStateException("no migrations");
        }
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).version() != i + 1) {
                throw new IllegalStateException(
                        "migration " + all.get(i).id() + " is out of order: expected version " + (i + 1));
            }
        }
        this.all = List.copyOf(all);
    }

    /** The migrations in src/main/resources/db/migration, in the order of index.txt there. */
    public static Migrations classpath() {
        return CLASSPATH;
    }

    public List<Migration> all() {
        return all;
    }

    public int latest() {
        return all.get(all.size() - 1).version();
    }

    /** Version, applied and pending migrations of the file behind {@code c}. Only reads. */
    public MigrationStatus status(Connection c) throws SQLException {
        List<AppliedMigration> applied = SchemaVersions.applied(c);
        Set<Integer> versions = applied.stream().map(AppliedMigration::version).collect(Collectors.toSet());
        int current = versions.stream().mapToInt(Integer::intValue).max().orElse(0);
        List<String> pending = all.stream()
                .filter(m -> !versions.contains(m.version()))
                .map(Migration::id)
                .toList();
        return new MigrationStatus(current, latest(), applied, pending);
    }

    /** The migrations that {@code up} would apply, in order. */
    public List<Migration> upSteps(int current, int target) {
        return all.stream()
                .filter(m -> m.version() > current && m.version() <= target)
                .toList();
    }

    /** The migrations that {@code down} would revert, newest first. */
    public List<Migration> downSteps(int current, int target) {
        List<Migration> steps = new ArrayList<>(all.stream()
                .filter(m -> m.version() <= current && m.version() > target)
                .toList());
        Collections.reverse(steps);
        return steps;
    }

    /**
     * Brings the file up to {@code target}; {@code log} hears one line per applied migration. The file
     * is verified before anything is locked or written, so a file that is refused is left as it was.
     *
     * @return how many migrations this call applied (0 when another process had applied them)
     */
    public int up(Connection c, int target, Consumer<String> log) throws SQLException, MigrationException {
        int applied = 0;
        for (Migration m : upSteps(verify(c), target)) {
            boolean ran = inTransaction(c, current -> {
                if (current >= m.version()) {
                    return false;
                }
                if (current != m.version() - 1) {
                    throw new MigrationException(
                            "schema version " + current + " is not followed by migration " + m.id());
                }
                run(c, m, m.up(), current);
                SchemaVersions.record(c, m);
                return true;
            });
            if (ran) {
                applied++;
                log.accept("applied migration " + m.id());
            }
        }
        return applied;
    }

    /**
     * Runs down scripts, newest first, until the file is at {@code target}. Refuses, before changing
     * anything, to run a script that drops data unless {@code allowDataLoss}.
     *
     * @return how many migrations this call reverted
     */
    public int down(Connection c, int target, boolean allowDataLoss, Consumer<String> log)
            throws SQLException, MigrationException {
        List<Migration> steps = downSteps(verify(c), target);
        for (Migration m : steps) {
            if (m.downDropsData() && !allowDataLoss) {
                throw new MigrationException("going below version " + m.version() + " (" + m.id()
                        + ") drops tables and their rows; pass --allow-data-loss to do it anyway");
            }
        }
        int reverted = 0;
        for (Migration m : steps) {
            boolean ran = inTransaction(c, current -> {
                if (current != m.version()) {
                    return false;
                }
                run(c, m, m.down(), current);
                SchemaVersions.erase(c, m.version());
                return true;
            });
            if (ran) {
                reverted++;
                log.accept("reverted migration " + m.id());
            }
        }
        return reverted;
    }

    /**
     * The current version, after checking that the file is one this code can serve: not newer than it
     * knows, and with no applied migration whose script has changed since. Only reads.
     */
    public int verify(Connection c) throws SQLException, MigrationException {
        int current = 0;
        for (AppliedMigration row : SchemaVersions.applied(c)) {
            int v = row.version();
            current = Math.max(current, v);
            if (v > latest()) {
                throw new MigrationException(
                        "the database is at schema version " + v + ", newer than this agent-store knows (" + latest()
                                + "); it was not changed. Run a newer agent-store on it");
            }
            if (v < 1) {
                throw new MigrationException("schema_version holds version " + v + ", which no migration has");
            }
            Migration m = all.get(v - 1);
            if (row.checksum() != null && !row.checksum().equals(m.checksum())) {
                throw new MigrationException("migration " + m.id()
                        + " was changed after it was applied to this database (recorded checksum " + row.checksum()
                        + ", file " + m.checksum() + "); restore it and add a new migration instead");
            }
        }
        return current;
    }

    /** One step of {@code up} or {@code down}, inside its transaction, on a file verified at {@code current}. */
    @FunctionalInterface
    private interface Step {
        /** @return false when another process had already done it */
        boolean run(int current) throws SQLException, MigrationException;
    }

    /**
     * The one transaction skeleton of up and down: BEGIN IMMEDIATE, verify and re-read the version inside
     * (another process may have moved it while this one waited for the lock), run, COMMIT; on any failure
     * ROLLBACK, so the file stays at its last good version.
     */
    private boolean inTransaction(Connection c, Step step) throws SQLException, MigrationException {
        execute(c, BEGIN);
        try {
            boolean ran = step.run(verify(c));
            execute(c, COMMIT);
            return ran;
        } catch (SQLException | MigrationException | RuntimeException e) {
            try {
                execute(c, ROLLBACK);
            } catch (SQLException ignored) {
                // SQLite already rolled back (a failed COMMIT does), or the connection is gone
            }
            throw e;
        }
    }

    private static void run(Connection c, Migration m, String script, int current) throws MigrationException {
        for (String sql : MigrationScripts.statements(script)) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new MigrationException("migration " + m.id()
                        + " failed and was rolled back, the database stays at version " + current + ": "
                        + e.getMessage() + "; in: " + sql.lines().findFirst().orElse(sql));
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
