package dev.agentstore.config;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Environment variables ({@code AGENTSTORE_} + the key path in upper snake case) and system properties
 * ({@code agentstore.} + the key path) over the file's values; a property wins over a variable, which wins
 * over the file. A flat variable name cannot tell {@code database.workflow.pool_size} from a
 * {@code database.workflow.pool.size}, so names are matched against the key table's paths; an unknown
 * {@code AGENTSTORE_} variable or {@code agentstore.} property is an error, not a silently ignored typo.
 */
final class Overrides {
    static final String ENV_PREFIX = "AGENTSTORE_";
    static final String PROP_PREFIX = "agentstore.";

    private Overrides() {}

    static String variableName(String path) {
        return ENV_PREFIX + path.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    static String propertyName(String path) {
        return PROP_PREFIX + path;
    }

    static void apply(Settings settings, Map<String, String> env, Properties props) {
        Map<String, String> pathByVariable =
                ConfigKey.paths().stream().collect(Collectors.toMap(Overrides::variableName, Function.identity()));
        // Sorted, so that of several unknown names the same one is reported every time.
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (e.getKey().startsWith(ENV_PREFIX)) {
                String path = pathByVariable.get(e.getKey());
                if (path == null) {
                    throw new ConfigException(Spelling.unknownVariable(e.getKey()));
                }
                settings.put(path, e.getValue(), "environment variable " + e.getKey());
            }
        }
        for (String name : props.stringPropertyNames().stream().sorted().toList()) {
            if (name.startsWith(PROP_PREFIX)) {
                String path = name.substring(PROP_PREFIX.length());
                if (ConfigKey.at(path) == null) {
                    throw new ConfigException(Spelling.unknownProperty(name));
                }
                settings.put(path, props.getProperty(name), "system property -D" + name);
            }
        }
    }
}
