package dev.agentstore.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration, read once: the YAML file, then {@code AGENTSTORE_*} environment variables, then
 * {@code -Dagentstore.*} system properties, each later one winning, and every value validated by the key
 * table ({@link ConfigKey}). Blocking, and with no Vert.x instance: it runs before there is one.
 */
public final class ConfigLoader {
    public static final Path DEFAULT_FILE = Path.of("conf", "config.yaml");

    private ConfigLoader() {}

    /**
     * Loads {@code file} (a missing file is an error only when {@code required}) with the overrides of
     * {@code env} and {@code props}, which are usually {@code System.getenv()} and {@code
     * System.getProperties()}.
     *
     * @throws ConfigException with a one-line message that names the key, the value, what is allowed and
     *     where the value was written
     */
    public static AppConfig load(Path file, boolean required, Map<String, String> env, Properties props) {
        YamlFile.Content content = YamlFile.read(file, required);
        Settings settings = Settings.fromTree(content.root(), content.origins());
        Overrides.apply(settings, env, props);
        return ConfigValidator.build(settings);
    }

    /**
     * Builds the configuration from sections given in code, in the file's shape ({@code {"http": {"port":
     * 0}}}), with the same overrides and validation: for a program that embeds agent-store and keeps its
     * configuration elsewhere.
     */
    public static AppConfig parse(JsonObject sections, Map<String, String> env, Properties props) {
        Settings settings = Settings.fromTree(sections.getMap(), Map.of());
        Overrides.apply(settings, env, props);
        return ConfigValidator.build(settings);
    }
}
