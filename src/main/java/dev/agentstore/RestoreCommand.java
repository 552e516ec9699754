package dev.agentstore;

import dev.agentstore.config.AppConfig;
import dev.agentstore.config.ConfigException;
import dev.agentstore.config.ConfigLoader;
import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.store.Restore;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code restore BACKUP [--database NAME] [--config PATH]}, with the server stopped: puts the databases of a
 * backup ({@code BACKUP} is its directory, or its id under {@code backup.dir}) in place of the configured files
 * ({@link Restore}). Every database to restore is verified before any file is touched; the current files are
 * moved aside, never deleted. Exit codes: 0 restored, 1 refused (a backup that fails a check, a database a
 * process has open) or failed, 2 bad usage or configuration.
 */
final class RestoreCommand {
    private RestoreCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path configFile = ConfigLoader.DEFAULT_FILE;
        boolean required = false;
        String only = null;
        String backup = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--config" -> {
                        configFile = Path.of(Main.value(args, ++i, "--config", "a path"));
                        required = true;
                    }
                    case "--database" -> only = Main.value(args, ++i, "--database", "a database name");
                    default -> {
                        if (args[i].startsWith("--") || backup != null) {
                            throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                        }
                        backup = args[i];
                    }
                }
            }
            if (backup == null) {
                throw new IllegalArgumentException("restore needs a backup: its directory, or its id in backup.dir");
            }
        } catch (IllegalArgumentException e) {
            err.println("agent-store restore: " + e.getMessage() + "\n" + Main.usage());
            return 2;
        }
        AppConfig config;
        try {
            config = ConfigLoader.load(configFile, required, System.getenv(), System.getProperties());
        } catch (ConfigException e) {
            err.println("agent-store restore: bad configuration: " + e.getMessage());
            return 2;
        }
        Path dir = Path.of(backup);
        if (!Files.isDirectory(dir)) {
            dir = config.backup().dir().resolve(backup);
        }
        if (!Files.isDirectory(dir)) {
            err.println("agent-store restore: no backup " + backup + ": neither a directory nor a backup in "
                    + config.backup().dir().toAbsolutePath());
            return 1;
        }
        List<String> restored = new ArrayList<>();
        try {
            JsonObject manifest = Restore.manifest(dir);
            List<String> names =
                    new ArrayList<>(manifest.getJsonObject("databases").fieldNames());
            if (only != null) {
                names = List.of(only);
            }
            Map<String, DatabaseConfig> configured = new LinkedHashMap<>();
            for (DatabaseConfig db : config.databases()) {
                configured.put(db.name(), db);
            }
            for (String name : names) {
                if (!configured.containsKey(name)) {
                    err.println("agent-store restore: the backup's database '" + name + "' is not in the"
                            + " configuration; the databases are " + String.join(", ", configured.keySet())
                            + (only == null ? " (--database restores one)" : ""));
                    return 2;
                }
            }
            Map<String, Path> verified = new LinkedHashMap<>();
            for (String name : names) {
                verified.put(name, Restore.verify(dir, manifest, name));
            }
            for (Map.Entry<String, Path> e : verified.entrySet()) {
                JsonObject entry = manifest.getJsonObject("databases").getJsonObject(e.getKey());
                Path target = configured.get(e.getKey()).path().toAbsolutePath();
                Restore.Restored done = Restore.swap(e.getKey(), e.getValue(), target, entry);
                out.println("restored " + e.getKey() + " from backup " + manifest.getString("id") + " to " + target
                        + ": schema version " + entry.getInteger("schema_version") + ", rows "
                        + entry.getJsonObject("rows").encode());
                for (Path moved : done.movedAside()) {
                    out.println("  moved aside: " + moved);
                }
                restored.add(e.getKey());
            }
            return 0;
        } catch (Restore.RestoreException e) {
            err.println("agent-store restore: " + e.getMessage()
                    + (restored.isEmpty()
                            ? "; nothing was changed"
                            : "; restored before this: " + String.join(", ", restored) + ", the others unchanged"));
            return 1;
        }
    }
}
