package dev.agentstore;

import dev.agentstore.config.AppConfig;
import dev.agentstore.config.ConfigLoader;
import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.store.Migration;
import dev.agentstore.store.MigrationException;
import dev.agentstore.store.Migrations;
import dev.agentstore.store.Sqlite;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
          case "--to" -> to = Integer.parseInt(value(args, ++i, "--to"));
          case "--dry-run" -> dryRun = true;
          case "--allow-data-loss" -> allowDataLoss = true;
          case "--config" -> {
            configFile = Path.of(value(args, ++i, "--config"));
            required = true;
          }
          case "--database" -> only = value(args, ++i, "--database");
          default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
        }
      }
      if (!List.of("status", "up", "down").contains(verb)) {
        throw new IllegalArgumentException(verb.isEmpty() ? "missing command" : "unknown command '" + verb + "'");
      }
      if (verb.equals("down") && to == null) {
        throw new IllegalArgumentException("down needs --to N");
      }
      if (to != null && (to < 0 || to > Migrations.latest())) {
        throw new IllegalArgumentException("--to must be between 0 and " + Migrations.latest());
      }
    } catch (IllegalArgumentException e) {
      err.println("agent-store migrate: " + e.getMessage() + "\n" + Main.usage());
      return 2;
    }
    AppConfig config;
    Vertx vertx = Vertx.vertx();
    try {
      config = ConfigLoader.load(vertx, configFile, required).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      err.println("agent-store migrate: bad configuration: " + (e.getCause() != null ? e.getCause() : e).getMessage());
      return 2;
    } finally {
      vertx.close();
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
    int target = to == null ? Migrations.latest() : to;
    for (DatabaseConfig db : dbs) {
      out.println("database " + db.name() + " (" + db.path() + ")");
      try {
        if (verb.equals("status")) {
          status(db, out);
          continue;
        }
        try (Connection c = Sqlite.open(db.path(), db.synchronous(), BUSY_TIMEOUT_MS)) {
          int current = Migrations.verify(c);
          if (verb.equals("up")) {
            if (target < current) {
              throw new MigrationException("the database is at version " + current + "; use 'down --to " + target + "' to go lower");
            }
            if (dryRun) {
              printPlan(out, Migrations.upSteps(current, target), false);
            } else {
              int n = Migrations.up(c, target, line -> out.println("  " + line));
              out.println("  at version " + Migrations.verify(c) + (n == 0 ? " (nothing to do)" : ""));
            }
          } else {
            List<Migration> steps = Migrations.downSteps(current, target);
            if (dryRun) {
              printPlan(out, steps, true);
            } else {
              int n = Migrations.down(c, target, allowDataLoss, line -> out.println("  " + line));
              out.println("  at version " + Migrations.verify(c) + (n == 0 ? " (nothing to do)" : ""));
            }
          }
        }
      } catch (MigrationException | SQLException e) {
        err.println("agent-store migrate: database " + db.name() + ": " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }

  private static void status(DatabaseConfig db, PrintStream out) throws SQLException, MigrationException {
    if (!Files.exists(db.path())) {
      out.println("  file does not exist yet: version 0, pending " + Migrations.upSteps(0, Migrations.latest()).stream().map(Migration::id).toList());
      return;
    }
    try (Connection c = Sqlite.open(db.path(), db.synchronous(), BUSY_TIMEOUT_MS)) {
      JsonObject s = Migrations.status(c);
      out.println("  current version: " + s.getInteger("current_version") + " (latest known: " + s.getInteger("latest_version") + ")");
      s.getJsonArray("applied").forEach(o -> {
        JsonObject a = (JsonObject) o;
        out.printf("  applied  %04d_%s at %s%n", a.getInteger("version"), a.getString("name"), a.getString("applied_at"));
      });
      s.getJsonArray("pending").forEach(p -> out.println("  pending  " + p));
      Migrations.verify(c);
    }
  }

  private static void printPlan(PrintStream out, List<Migration> steps, boolean down) {
    if (steps.isEmpty()) {
      out.println("  nothing to do");
    }
    for (Migration m : steps) {
      out.println("-- " + (down ? "down " : "up ") + m.id() + (down && m.downDropsData() ? " (drops data)" : ""));
      out.println((down ? m.down() : m.up()).strip());
    }
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
