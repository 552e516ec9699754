package dev.agentstore;

import dev.agentstore.config.AppConfig;
import dev.agentstore.config.ConfigException;
import dev.agentstore.config.ConfigLoader;
import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.store.Sqlite;
import dev.agentstore.store.migration.AppliedMigration;
import dev.agentstore.store.migration.Migration;
import dev.agentstore.store.migration.MigrationException;
import dev.agentstore.store.migration.MigrationStatus;
import dev.agentstore.store.migration.Migrations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code migrate status | up [--to N] | down --to N [--allow-data-loss]}, each with {@code --dry-run}
 * and {@code --config PATH}, on every configured database (or one, with {@code --database NAME}).
 * Exit codes: 0 done, 1 failed, 2 bad usage.
 */
final class MigrateCommand {
    private static final int BUSY_TIMEOUT_MS = 60_000;
    private static final Migrations MIGRATIONS = Migrations.classpath();

    private MigrateCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        String verb = args.length > 0 ? args[0] : "";
        Integer to = null;
        boolean dryRun = false;
        boolean allowDataLoss = false;
        Path configFile = ConfigLoader.DEFAULT_FILE;
        boolean required = false;
        String only = null;
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--to" -> to = number(Main.value(args, ++i, "--to", "a version number"));
                    case "--dry-run" -> dryRun = true;
                    case "--allow-data-loss" -> allowDataLoss = true;
                    case "--config" -> {
                        configFile = Path.of(Main.value(args, ++i, "--config", "a path"));
                        required = true;
                    }
                    case "--database" -> only = Main.value(args, ++i, "--database", "a database name");
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (!List.of("status", "up", "down").contains(verb)) {
                throw new IllegalArgumentException(
                        verb.isEmpty() ? "missing command" : "unknown command '" + verb + "'");
            }
            if (verb.equals("down") && to == null) {
                throw new IllegalArgumentException("down needs --to N");
            }
            if (to != null && (to < 0 || to > MIGRATIONS.latest())) {
                throw new IllegalArgumentException("--to must be between 0 and " + MIGRATIONS.latest());
            }
        } catch (IllegalArgumentException e) {
            err.println("agent-store migrate: " + e.getMessage() + "\n" + Main.usage());
            return 2;
        }
        AppConfig config;
        try {
            config = ConfigLoader.load(configFile, required, System.getenv(), System.getProperties());
        } catch (ConfigException e) {
            err.println("agent-store migrate: bad configuration: " + e.getMessage());
            return 2;
        }
        List<DatabaseConfig> dbs = config.databases();
        if (only != null) {
            String name = only;
            dbs = dbs.stream().filter(d -> d.name().equals(name)).toList();
            if (dbs.isEmpty()) {
                err.println("agent-store migrate: no database '" + only + "' in the configuration");
                return 2;
            }
        }
        int target = to == null ? MIGRATIONS.latest() : to;
        for (DatabaseConfig db : dbs) {
            out.println("database " + db.name() + " (" + db.path() + ")");
            try {
                switch (verb) {
                    case "status" -> status(db, out);
                    case "up" -> up(db, target, dryRun, out);
                    default -> down(db, target, allowDataLoss, dryRun, out);
                }
            } catch (MigrationException | SQLException | IOException e) {
                err.println("agent-store migrate: database " + db.name() + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    private static void status(DatabaseConfig db, PrintStream out) throws SQLException, MigrationException {
        if (!Files.exists(db.path())) {
            out.println("  file does not exist yet: version 0, pending "
                    + MIGRATIONS.upSteps(0, MIGRATIONS.latest()).stream()
                            .map(Migration::id)
                            .toList());
            return;
        }
        try (Connection c = open(db)) {
            MigrationStatus s = MIGRATIONS.status(c);
            out.println("  current version: " + s.current() + " (latest known: " + s.latest() + ")");
            for (AppliedMigration a : s.applied()) {
                out.printf("  applied  %04d_%s at %s%n", a.version(), a.name(), a.appliedAt());
            }
            s.pending().forEach(p -> out.println("  pending  " + p));
            MIGRATIONS.verify(c);
        }
    }

    /** Like the server's start: verify, migrate, then WAL. Only a real {@code up} creates a missing file. */
    private static void up(DatabaseConfig db, int target, boolean dryRun, PrintStream out)
            throws SQLException, MigrationException, IOException {
        if (dryRun && !Files.exists(db.path())) {
            printPlan(out, MIGRATIONS.upSteps(0, target), false);
            return;
        }
        if (!dryRun) {
            Files.createDirectories(db.path().toAbsolutePath().getParent());
        }
        try (Connection c = open(db)) {
            int current = MIGRATIONS.verify(c);
            if (target < current) {
                throw new MigrationException(
                        "the database is at version " + current + "; use 'down --to " + target + "' to go lower");
            }
            if (dryRun) {
                printPlan(out, MIGRATIONS.upSteps(current, target), false);
                return;
            }
            int n = MIGRATIONS.up(c, target, line -> out.println("  " + line));
            Sqlite.useWal(c, BUSY_TIMEOUT_MS);
            out.println("  at version " + MIGRATIONS.verify(c) + (n == 0 ? " (nothing to do)" : ""));
        }
    }

    private static void down(DatabaseConfig db, int target, boolean allowDataLoss, boolean dryRun, PrintStream out)
            throws SQLException, MigrationException {
        if (!Files.exists(db.path())) {
            out.println("  file does not exist: version 0, nothing to do");
            return;
        }
        try (Connection c = open(db)) {
            if (dryRun) {
                printPlan(out, MIGRATIONS.downSteps(MIGRATIONS.verify(c), target), true);
                return;
            }
            int n = MIGRATIONS.down(c, target, allowDataLoss, line -> out.println("  " + line));
            out.println("  at version " + MIGRATIONS.verify(c) + (n == 0 ? " (nothing to do)" : ""));
        }
    }

    /** Leaves the journal mode alone, so that status, a dry run or a refused file changes nothing. */
    private static Connection open(DatabaseConfig db) throws SQLException {
        return Sqlite.openAsIs(db.path(), db.synchronous(), BUSY_TIMEOUT_MS);
    }

    private static void printPlan(PrintStream out, List<Migration> steps, boolean down) {
        if (steps.isEmpty()) {
            out.println("  nothing to do");
        }
        for (Migration m : steps) {
            out.println("-- " + (down ? "down " : "up ") + m.id()
                    + (down && m.downDropsData() ? " (drops data: needs --allow-data-loss)" : ""));
            out.println((down ? m.down() : m.up()).strip());
        }
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--to needs a version number, got '" + text + "'");
        }
    }
}
