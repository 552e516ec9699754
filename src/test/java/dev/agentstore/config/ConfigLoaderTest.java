package dev.agentstore.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Configuration: file, environment, system properties, validation")
class ConfigLoaderTest {
    static AppConfig parse(JsonObject yaml) {
        return ConfigLoader.parse(yaml, Map.of(), new Properties());
    }

    @Test
    @DisplayName("with nothing configured, the defaults are 127.0.0.1:8080 and data/workflow.db")
    void defaults() {
        AppConfig c = parse(new JsonObject());
        assertEquals("127.0.0.1", c.http().host());
        assertEquals(8080, c.http().port());
        assertEquals(1 << 20, c.http().maxBodyBytes());
        assertEquals(Path.of("data/workflow.db"), c.workflow().path());
        assertEquals(10, c.workflow().poolSize());
        assertEquals(20, c.workflow().maxOverflow());
        assertEquals(30, c.workflow().poolTimeoutS());
        assertEquals(3600, c.workflow().poolRecycleS());
        assertEquals("FULL", c.workflow().synchronous());
        assertTrue(c.agentVersions().isEmpty());
        assertEquals(1000, c.limits().maxBatchItems());
        assertEquals(256, c.workflow().writerBatchMax());
        assertEquals(10_000, c.workflow().writerQueueCapacity());
        assertEquals(10_000, c.workflow().readerQueueCapacity());
        assertEquals(60_000, c.workflow().writeTimeoutMs(), "65 s less the 5 s margin");
    }

    @Test
    @DisplayName("environment variables override the file, and system properties override both")
    void overridePrecedence() {
        JsonObject yaml = new JsonObject()
                .put("http", new JsonObject().put("port", 9000))
                .put("database", new JsonObject().put("workflow", new JsonObject().put("pool_size", 3)));
        Properties props = new Properties();
        props.setProperty("agentstore.http.port", "9002");
        props.setProperty("unrelated.property", "x");
        AppConfig c = ConfigLoader.parse(
                yaml,
                Map.of(
                        "AGENTSTORE_HTTP_PORT", "9001",
                        "AGENTSTORE_DATABASE_WORKFLOW_PATH", "/tmp/x.db",
                        "AGENTSTORE_DATABASE_WORKFLOW_MAX_OVERFLOW", "4",
                        "PATH", "/usr/bin"),
                props);
        assertEquals(9002, c.http().port());
        assertEquals(Path.of("/tmp/x.db"), c.workflow().path());
        assertEquals(3, c.workflow().poolSize());
        assertEquals(4, c.workflow().maxOverflow());
    }

    @Test
    @DisplayName("an agent_versions section, even an empty one, configures a second database")
    void agentVersionsSection() {
        JsonObject yaml = new JsonObject().put("database", new JsonObject().putNull("agent_versions"));
        AppConfig c = parse(yaml);
        assertEquals(
                Path.of("data/agent_versions.db"),
                c.agentVersions().orElseThrow().path());
        assertEquals(2, c.databases().size());
        AppConfig fromEnv = ConfigLoader.parse(
                new JsonObject(), Map.of("AGENTSTORE_DATABASE_AGENT_VERSIONS_PATH", "/tmp/av.db"), new Properties());
        assertEquals(
                Path.of("/tmp/av.db"), fromEnv.agentVersions().orElseThrow().path());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "http.port, 70000",
        "http.port, abc",
        "http.port, -1",
        "http.max_body_bytes, 10",
        "database.workflow.pool_size, 0",
        "database.workflow.pool_timeout, 0",
        "database.workflow.synchronous, OFF",
        "database.workflow.max_overflow, 1000",
        "database.workflow.pool_recycle, 0",
        "database.workflow.idle_timeout_s, 0",
        "database.workflow.leak_threshold_s, -1",
        "limits.max_batch_items, 0"
    })
    @DisplayName("an out-of-range or mistyped value is refused with a message naming the key and the value")
    void badValuesNameTheKey(String key, String value) {
        Properties props = new Properties();
        props.setProperty("agentstore." + key, value);
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigLoader.parse(new JsonObject(), Map.of(), props));
        assertTrue(e.getMessage().startsWith(key), e.getMessage());
        assertTrue(e.getMessage().toUpperCase().contains(value.toUpperCase()), e.getMessage());
    }

    @Test
    @DisplayName("unknown keys in the file, the environment or properties are refused, not ignored")
    void unknownKeysAreRefused() {
        assertTrue(assertThrows(
                        ConfigException.class,
                        () -> parse(new JsonObject().put("http", new JsonObject().put("prot", 1))))
                .getMessage()
                .contains("http.prot"));
        assertTrue(assertThrows(
                        ConfigException.class,
                        () -> ConfigLoader.parse(
                                new JsonObject(), Map.of("AGENTSTORE_HTTP_PROT", "1"), new Properties()))
                .getMessage()
                .contains("AGENTSTORE_HTTP_PROT"));
        Properties props = new Properties();
        props.setProperty("agentstore.database.workflow.size", "1");
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(new JsonObject(), Map.of(), props));
    }

    @Test
    @DisplayName(
            "a pool_timeout of half http.request_timeout_ms is refused: a read could time out before the store's 503")
    void poolTimeoutMustBeShorterThanRequestTimeout() {
        assertEquals(
                3,
                parse(new JsonObject()
                                .put("http", new JsonObject().put("request_timeout_ms", 7000))
                                .put(
                                        "database",
                                        new JsonObject().put("workflow", new JsonObject().put("pool_timeout", 3))))
                        .workflow()
                        .poolTimeoutS());
        JsonObject yaml = new JsonObject()
                .put("http", new JsonObject().put("request_timeout_ms", 6000))
                .put("database", new JsonObject().put("workflow", new JsonObject().put("pool_timeout", 3)));
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        assertTrue(
                e.getMessage().contains("pool_timeout") && e.getMessage().contains("request_timeout_ms"),
                e.getMessage());
    }

    @Test
    @DisplayName("the same file for workflow and agent_versions is refused")
    void sameFileTwiceIsRefused() {
        JsonObject yaml = new JsonObject()
                .put(
                        "database",
                        new JsonObject()
                                .put("workflow", new JsonObject().put("path", "data/a.db"))
                                .put("agent_versions", new JsonObject().put("path", "data/./a.db")));
        assertThrows(ConfigException.class, () -> parse(yaml));
    }

    @Test
    @DisplayName(
            "the shipped conf/config.yaml loads and states the defaults; a malformed file or a missing --config file is an error")
    void yamlFiles(@TempDir Path dir) throws Exception {
        AppConfig shipped = ConfigLoader.load(Path.of("conf/config.yaml"), true, Map.of(), new Properties());
        assertEquals(ConfigLoader.parse(new JsonObject(), Map.of(), new Properties()), shipped);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "http:\n  port: [1, 2\n");
        assertThrows(ConfigException.class, () -> ConfigLoader.load(bad, true, Map.of(), new Properties()));
        ConfigException missing = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("none.yaml"), true, Map.of(), new Properties()));
        assertTrue(missing.getMessage().contains("none.yaml does not exist"), missing.getMessage());
        AppConfig absent = ConfigLoader.load(dir.resolve("none.yaml"), false, Map.of(), new Properties());
        assertFalse(absent.agentVersions().isPresent());
        assertEquals(shipped, absent);
    }

    @Test
    @DisplayName("lists come as a YAML sequence or comma-separated from the environment; flags are true or false; an"
            + " unset keys file is none; a list where one value belongs, or a flag that is neither, is refused")
    void listsFlagsAndOptionalText(@TempDir Path dir) throws Exception {
        AppConfig none = parse(new JsonObject());
        assertEquals(List.of(), none.http().allowedHosts());
        assertEquals(List.of(), none.http().corsAllowedOrigins());
        assertEquals(Optional.empty(), none.auth().keysFile());
        assertFalse(none.auth().allowAnonymous());

        Path file = dir.resolve("c.yaml");
        Files.writeString(
                file,
                "http:\n  allowed_hosts: [store.internal, 10.0.0.5]\n  cors:\n    allowed_origins:\n"
                        + "      - https://app.example\nauth:\n  keys_file: /run/secrets/keys\n  allow_anonymous: TRUE\n");
        AppConfig fromFile = ConfigLoader.load(file, true, Map.of(), new Properties());
        assertEquals(List.of("store.internal", "10.0.0.5"), fromFile.http().allowedHosts());
        assertEquals(List.of("https://app.example"), fromFile.http().corsAllowedOrigins());
        assertEquals(Optional.of(Path.of("/run/secrets/keys")), fromFile.auth().keysFile());
        assertTrue(fromFile.auth().allowAnonymous());

        AppConfig fromEnv = ConfigLoader.parse(
                new JsonObject(),
                Map.of(
                        "AGENTSTORE_HTTP_ALLOWED_HOSTS", " a.example , b.example",
                        "AGENTSTORE_HTTP_CORS_ALLOWED_ORIGINS", "https://x.example"),
                new Properties());
        assertEquals(List.of("a.example", "b.example"), fromEnv.http().allowedHosts());
        assertEquals(List.of("https://x.example"), fromEnv.http().corsAllowedOrigins());

        Files.writeString(file, "http:\n  port: [1, 2]\n");
        ConfigException list =
                assertThrows(ConfigException.class, () -> ConfigLoader.load(file, true, Map.of(), new Properties()));
        assertTrue(list.getMessage().contains("http.port must be a single value"), list.getMessage());
        Files.writeString(file, "http:\n  allowed_hosts: [a, '']\n");
        ConfigException empty =
                assertThrows(ConfigException.class, () -> ConfigLoader.load(file, true, Map.of(), new Properties()));
        assertTrue(
                empty.getMessage().contains("http.allowed_hosts must be a list of non-empty texts"),
                empty.getMessage());
        ConfigException flag = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.parse(
                        new JsonObject(), Map.of("AGENTSTORE_AUTH_ALLOW_ANONYMOUS", "yes"), new Properties()));
        assertTrue(flag.getMessage().contains("must be one of true, false, got 'yes'"), flag.getMessage());
    }
}
