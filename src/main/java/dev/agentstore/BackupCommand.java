package dev.agentstore;

import dev.agentstore.config.AppConfig;
import dev.agentstore.config.ConfigException;
import dev.agentstore.config.ConfigLoader;
import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.store.Backup;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code backup [--database NAME] [--to DIR] [--config PATH]}: a backup of the configured databases, taken
 * from their files by this process, the same way the server takes one ({@link Backup}), whether the server
 * runs or not (SQLite lets another process read a database in WAL mode while the server writes it). Into
 * {@code DIR}, or {@code backup.dir}. Exit codes: 0 done, 1 failed (nothing is left under the backup's name),
 * 2 bad usage or configuration.
 */
final class BackupCommand {
    private BackupCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path configFile = ConfigLoader.DEFAULT_FILE;
        boolean required = false;
        String only = null;
        Path to = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--config" -> {
                        configFile = Path.of(Main.value(args, ++i, "--config", "a path"));
                        required = true;
                    }
                    case "--database" -> only = Main.value(args, ++i, "--database", "a database name");
                    case "--to" -> to = Path.of(Main.value(args, ++i, "--to", "a directory"));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("agent-store backup: " + e.getMessage() + "\n" + Main.usage());
            return 2;
        }
        AppConfig config;
        try {
            config = ConfigLoader.load(configFile, required, System.getenv(), System.getProperties());
        } catch (ConfigException e) {
            err.println("agent-store backup: bad configuration: " + e.getMessage());
            return 2;
        }
        List<Backup.Source> sources = new ArrayList<>();
        for (DatabaseConfig db : config.databases()) {
            if (only == null || only.equals(db.name())) {
                sources.add(new Backup.Source(db.name(), db.path().toAbsolutePath()));
            }
        }
        if (sources.isEmpty()) {
            err.println("agent-store backup: no database '" + only + "' in the configuration; the databases are "
                    + String.join(
                            ", ",
                            config.databases().stream()
                                    .map(DatabaseConfig::name)
                                    .toList()));
            return 2;
        }
        for (Backup.Source source : sources) {
            if (!Files.isRegularFile(source.file())) {
                err.println("agent-store backup: database " + source.name() + ": " + source.file() + " does not exist");
                return 1;
            }
        }
        Path dir = (to == null ? config.backup().dir() : to).toAbsolutePath();
        String id = Backup.id(Instant.now());
        try {
            JsonObject manifest = new Backup().take(id, sources, dir, "command");
            out.println("backup " + id + " complete in " + manifest.getLong("duration_ms") + " ms: " + dir.resolve(id));
            manifest.getJsonObject("databases").forEach(db -> {
                JsonObject d = (JsonObject) db.getValue();
                out.println("  " + db.getKey() + ": " + d.getString("file") + ", " + d.getLong("bytes")
                        + " bytes, schema version " + d.getInteger("schema_version") + ", rows "
                        + d.getJsonObject("rows").encode() + ", sha256 " + d.getString("sha256"));
            });
            return 0;
        } catch (Backup.BackupException e) {
            err.println("agent-store backup: " + e.getMessage());
            return 1;
        }
    }
}
