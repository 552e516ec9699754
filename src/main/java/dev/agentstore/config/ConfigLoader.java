package dev.agentstore.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the YAML file (through vertx-config-yaml), then applies overrides from the environment
 * ({@code AGENTSTORE_} + the key path in upper snake case) and from system properties
 * ({@code agentstore.} + the key path), in that order of precedence, and validates every value.
 *
 * <p>The environment store of vertx-config is flat and cannot tell {@code database.workflow.pool_size}
 * from {@code database.workflow.pool.size}, so overrides are matched against the known keys here; an
 * unknown {@code AGENTSTORE_} variable is an error rather than a silently ignored typo.
 */
public final class ConfigLoader {
    public static final Path DEFAULT_FILE = Path.of("conf", "config.yaml");
    static final String ENV_PREFIX = "AGENTSTORE_";
    static final String PROP_PREFIX = "agentstore.";
    private static final String[] DATABASES = {"workflow", "agent_versions"};

    private ConfigLoader() {}

    /** Loads {@code file}; a missing file is an error only when {@code required}. */
    public static Future<AppConfig> load(Vertx vertx, Path file, boolean required) {
        return readYaml(vertx, file, required).map(yaml -> parse(yaml, System.getenv(), System.getProperties()));
    }

    static Future<JsonObject> readYaml(Vertx vertx, Path file, boolean required) {
        if (!Files.exists(file)) {
            return required
                    ? Future.failedFuture(new ConfigException("config file " + file + " does not exist"))
                    : Future.succeededFuture(new JsonObject());
        }
        ConfigStoreOptions store = new ConfigStoreOptions()
                .setType("file")
                .setFormat("yaml")
                .setConfig(new JsonObject().put("path", file.toString()));
        ConfigRetriever retriever = ConfigRetriever.create(
                vertx, new ConfigRetrieverOptions().setScanPeriod(0).addStore(store));
        return retriever
                .getConfig()
                .eventually(retriever::close)
                .recover(err -> Future.failedFuture(
                        new ConfigException("config file " + file + " is not valid YAML: " + rootMessage(err))));
    }

    /** Builds the validated configuration from parsed YAML plus environment and property overrides. */
    public static AppConfig parse(JsonObject yaml, Map<String, String> env, java.util.Properties props) {
        Map<String, Object> values = new LinkedHashMap<>();
        Set<String> sections = new TreeSet<>();
        flatten("", yaml, values, sections);
        Set<String> known = knownKeys();
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException("unknown config key '" + key + "' in the config file; known keys: " + known);
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String key = known.stream()
                    .filter(k -> envName(k).equals(e.getKey()))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(
                            "unknown environment variable " + e.getKey() + "; known: AGENTSTORE_ + one of "
                                    + known.stream()
                                            .map(k -> envName(k).substring(ENV_PREFIX.length()))
                                            .toList()));
            values.put(key, e.getValue());
        }
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith(PROP_PREFIX)) {
                String key = name.substring(PROP_PREFIX.length());
                if (!known.contains(key)) {
                    throw new ConfigException("unknown system property -D" + name);
                }
                values.put(key, props.getProperty(name));
            }
        }
        Reader r = new Reader(values);
        HttpConfig http = new HttpConfig(
                r.string("http.host", "127.0.0.1"),
                r.integer("http.port", 8080, 0, 65535),
                r.integer("http.max_body_bytes", 1 << 20, 1024, 64 << 20),
                r.integer("http.request_timeout_ms", 65_000, 100, 600_000),
                r.integer("http.shutdown_timeout_ms", 10_000, 0, 600_000));
        LimitsConfig limits = new LimitsConfig(
                r.integer("limits.max_batch_items", 1000, 1, 100_000),
                r.integer("limits.max_field_bytes", 1 << 20, 1024, 64 << 20));
        DatabaseConfig workflow = database(r, "workflow", "data/workflow.db", http);
        boolean hasAgentVersions = sections.contains("database.agent_versions")
                || values.keySet().stream().anyMatch(k -> k.startsWith("database.agent_versions."));
        Optional<DatabaseConfig> agentVersions = hasAgentVersions
                ? Optional.of(database(r, "agent_versions", "data/agent_versions.db", http))
                : Optional.empty();
        if (agentVersions.isPresent()
                && agentVersions
                        .get()
                        .path()
                        .toAbsolutePath()
                        .normalize()
                        .equals(workflow.path().toAbsolutePath().normalize())) {
            throw new ConfigException("database.agent_versions.path must differ from database.workflow.path"
                    + " (leave the agent_versions section out to keep agent versions in the workflow database)");
        }
        AppConfig config = new AppConfig(http, workflow, agentVersions, limits);
        for (DatabaseConfig db : config.databases()) {
            // A read may wait pool_timeout for a reader thread, then pool_timeout for a connection: it must
            // get its 503 from the store before the event bus times the request out.
            if (2L * db.poolTimeoutS() * 1000L >= http.requestTimeoutMs()) {
                throw new ConfigException("database." + db.name() + ".pool_timeout (" + db.poolTimeoutS()
                        + " s) must be shorter than half of http.request_timeout_ms (" + http.requestTimeoutMs()
                        + " ms)");
            }
        }
        return config;
    }

    private static DatabaseConfig database(Reader r, String name, String defaultPath, HttpConfig http) {
        String p = "database." + name + ".";
        String path = r.string(p + "path", defaultPath);
        if (path.isBlank()) {
            throw new ConfigException(p + "path must not be empty");
        }
        int poolSize = r.integer(p + "pool_size", 10, 1, 256);
        int maxOverflow = r.integer(p + "max_overflow", 20, 0, 256);
        return new DatabaseConfig(
                name,
                Path.of(path),
                poolSize,
                maxOverflow,
                r.integer(p + "pool_timeout", 30, 1, 3600),
                r.integer(p + "pool_recycle", 3600, 1, 604_800),
                r.integer(p + "idle_timeout_s", 60, 1, 86_400),
                r.integer(p + "leak_threshold_s", 60, 0, 86_400),
                r.choice(p + "synchronous", "FULL", Set.of("FULL", "NORMAL")),
                r.integer(p + "writer_batch_max", 256, 1, 10_000),
                r.integer(p + "writer_queue_capacity", 10_000, 1, 1_000_000),
                r.integer(p + "reader_queue_capacity", 10_000, 1, 1_000_000),
                // A write is dropped unwritten once its client has timed out (and been told to retry), with a
                // margin so that one that is written is answered before the client gives up.
                http.requestTimeoutMs() - Math.min(5_000, http.requestTimeoutMs() / 2));
    }

    static Set<String> knownKeys() {
        Set<String> keys = new TreeSet<>(Set.of(
                "http.host",
                "http.port",
                "http.max_body_bytes",
                "http.request_timeout_ms",
                "http.shutdown_timeout_ms",
                "limits.max_batch_items",
                "limits.max_field_bytes"));
        for (String db : DATABASES) {
            for (String k : new String[] {
                "path",
                "pool_size",
                "max_overflow",
                "pool_timeout",
                "pool_recycle",
                "idle_timeout_s",
                "leak_threshold_s",
                "synchronous",
                "writer_batch_max",
                "writer_queue_capacity",
                "reader_queue_capacity"
            }) {
                keys.add("database." + db + "." + k);
            }
        }
        return keys;
    }

    static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static void flatten(String prefix, JsonObject obj, Map<String, Object> out, Set<String> sections) {
        for (Map.Entry<String, Object> e : obj) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            Object v = e.getValue();
            if (v instanceof JsonObject child) {
                sections.add(key);
                flatten(key, child, out, sections);
            } else if (v instanceof Map<?, ?> map) {
                sections.add(key);
                @SuppressWarnings("unchecked")
                JsonObject child = new JsonObject((Map<String, Object>) map);
                flatten(key, child, out, sections);
            } else if (v == null) {
                sections.add(key); // "agent_versions:" with nothing under it still names the section
            } else {
                out.put(key, v);
            }
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).lines().findFirst().orElse("");
    }

    /** Typed access to the merged values; every failure names the key. */
    private record Reader(Map<String, Object> values) {
        String string(String key, String def) {
            Object v = values.get(key);
            if (v == null) {
                return def;
            }
            if (v instanceof String s) {
                return s.trim();
            }
            throw new ConfigException(key + " must be a string, got " + v);
        }

        int integer(String key, int def, int min, int max) {
            Object v = values.get(key);
            long n;
            if (v == null) {
                return def;
            } else if (v instanceof Integer || v instanceof Long) {
                n = ((Number) v).longValue();
            } else if (v instanceof String s && s.trim().matches("-?\\d{1,18}")) {
                n = Long.parseLong(s.trim());
            } else {
                throw new ConfigException(
                        key + " must be a whole number between " + min + " and " + max + ", got '" + v + "'");
            }
            if (n < min || n > max) {
                throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + n);
            }
            return (int) n;
        }

        String choice(String key, String def, Set<String> allowed) {
            String s = string(key, def).toUpperCase(Locale.ROOT);
            if (!allowed.contains(s)) {
                throw new ConfigException(key + " must be one of " + new TreeSet<>(allowed) + ", got '" + s + "'");
            }
            return s;
        }
    }
}
