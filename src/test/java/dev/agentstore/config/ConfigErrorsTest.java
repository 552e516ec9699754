package dev.agentstore.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A configuration that cannot be used is refused with one line that says what and where")
class ConfigErrorsTest {
    @TempDir
    Path dir;

    /** Loads {@code yaml} as a --config file, with {@code env} and no properties. */
    AppConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, true, env, new Properties());
    }

    String refused(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, Map.of()));
        assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
        return e.getMessage();
    }

    static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' in: " + message);
        }
    }

    @Nested
    @DisplayName("the YAML file")
    class TheFile {
        @Test
        @DisplayName("malformed YAML is reported with its line and column, and where the broken part started")
        void malformedYamlHasLineAndColumn() {
            String m = refused("http:\n  port: [1, 2\n");
            assertContains(m, "config.yaml is not valid YAML", "line 3, column 1", "started at line 2, column 9");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"- http\n- database\n", "just words\n", "8080\n"})
        @DisplayName("a file that is a list or a single value is refused as not a mapping of sections")
        void topLevelMustBeAMapping(String yaml) {
            String m = refused(yaml);
            assertContains(m, "must be a mapping of sections", "line 1, column 1");
            assertTrue(!m.contains("ClassCastException") && !m.contains("java."), m);
        }

        @Test
        @DisplayName("a duplicate key is refused, naming the key and both lines, instead of the last one winning")
        void duplicateKeysAreRefused() {
            assertContains(
                    refused("http:\n  port: 8081\n  host: 127.0.0.1\n  port: 8082\n"),
                    "duplicate key 'http.port' at line 4, column 3",
                    "first at line 2, column 3");
            assertContains(
                    refused("http:\n  port: 8081\nlimits: {}\nhttp:\n  port: 8082\n"),
                    "duplicate key 'http' at line 4");
        }

        @ParameterizedTest(name = "synchronous: {0}")
        @ValueSource(strings = {"OFF", "off", "yes", "NO", "true"})
        @DisplayName("synchronous: OFF (a boolean in YAML 1.1) is read as the word written, and refused as such")
        void yaml11BooleansStayWords(String word) {
            assertContains(
                    refused("database:\n  workflow:\n    synchronous: " + word + "\n"),
                    "database.workflow.synchronous must be one of FULL, NORMAL, got '" + word + "'",
                    "config.yaml line 3");
        }

        @Test
        @DisplayName("synchronous is read in any case, and numbers as text or not, as an override would be")
        void valuesAreTheirText() throws Exception {
            AppConfig c = load(
                    "http:\n  port: \"9090\"\ndatabase:\n  workflow:\n    synchronous: normal\n    pool_size: 4\n",
                    Map.of());
            assertEquals("NORMAL", c.workflow().synchronous());
            assertEquals(9090, c.http().port());
            assertEquals(4, c.workflow().poolSize());
        }

        @Test
        @DisplayName("an empty file or one with only comments means every default")
        void emptyFileIsDefaults() throws Exception {
            AppConfig defaults = ConfigLoader.parse(new JsonObject(), Map.of(), new Properties());
            assertEquals(defaults, load("", Map.of()));
            assertEquals(defaults, load("# nothing yet\n", Map.of()));
        }

        @Test
        @DisplayName("a key without a value, a section that is a value, and a list are refused, naming the key")
        void shapesAreChecked() {
            assertContains(refused("http:\n  port:\n"), "http.port has no value", "line 2");
            assertContains(refused("http: 8080\n"), "http must be a section (a mapping of keys), got '8080'");
            assertContains(refused("http:\n  port: [8080]\n"), "http.port must be a single value");
            assertContains(refused("http.port: 8080\n"), "'http.port' must be written nested: 'port:' under 'http:'");
        }
    }

    @Nested
    @DisplayName("unknown names")
    class UnknownNames {
        @Test
        @DisplayName("a misspelt key in the file: did you mean the nearest one, and on which line")
        void misspeltKeyInFile() {
            assertEquals(
                    "unknown config key 'database.workflow.pool_sise'; did you mean 'database.workflow.pool_size'?"
                            + " (" + dir.resolve("config.yaml") + " line 3)",
                    refused("database:\n  workflow:\n    pool_sise: 4\n"));
            assertContains(
                    refused("database:\n  agent_version:\n    path: av.db\n"),
                    "unknown config key 'database.agent_version'; did you mean 'database.agent_versions'?");
            assertContains(refused("htpp:\n  port: 1\n"), "unknown config section 'htpp'; did you mean 'http'?");
        }

        @Test
        @DisplayName("a name far from every key lists the names allowed there, not all thirty keys")
        void farFromEveryKey() {
            String m = refused("http:\n  cache_size: 4\n");
            assertEquals(
                    "unknown config key 'http.cache_size'; the keys of http are host, port, max_body_bytes,"
                            + " request_timeout_ms, shutdown_timeout_ms, max_inflight_body_bytes, header_timeout_ms, idle_timeout_s, max_connections, allowed_hosts, require_if_match, stream_max_pending, cors ("
                            + dir.resolve("config.yaml") + " line 2)",
                    m);
            assertContains(
                    refused("tracing:\n  port: 1\n"),
                    "the sections are http, auth, limits, metrics, log, backup, retention, monitor, database");
        }

        @Test
        @DisplayName("a misspelt AGENTSTORE_ variable or agentstore. property: did you mean the nearest one")
        void misspeltOverrides() {
            ConfigException env = assertThrows(
                    ConfigException.class, () -> load("", Map.of("AGENTSTORE_DATABASE_WORKFLOW_POOL_SISE", "4")));
            assertEquals(
                    "unknown environment variable AGENTSTORE_DATABASE_WORKFLOW_POOL_SISE;"
                            + " did you mean AGENTSTORE_DATABASE_WORKFLOW_POOL_SIZE?",
                    env.getMessage());
            Properties props = new Properties();
            props.setProperty("agentstore.http.prot", "1");
            ConfigException prop =
                    assertThrows(ConfigException.class, () -> ConfigLoader.parse(new JsonObject(), Map.of(), props));
            assertEquals(
                    "unknown system property -Dagentstore.http.prot; did you mean -Dagentstore.http.port?",
                    prop.getMessage());
        }

        @Test
        @DisplayName("an override that is out of bounds names the variable it came from")
        void overrideOriginIsNamed() {
            ConfigException e =
                    assertThrows(ConfigException.class, () -> load("", Map.of("AGENTSTORE_HTTP_PORT", "70000")));
            assertEquals(
                    "http.port must be between 0 and 65535, got 70000 (environment variable AGENTSTORE_HTTP_PORT)",
                    e.getMessage());
        }
    }

    @Test
    @DisplayName("the edit distance counts a swap of two neighbours as one edit, and a typo's reach is short")
    void distance() {
        assertEquals(1, Spelling.distance("prot", "port"));
        assertEquals(1, Spelling.distance("pool_sise", "pool_size"));
        assertEquals(3, Spelling.distance("kitten", "sitting"));
        assertTrue(Spelling.closest("http.foo", ConfigKey.paths()).isEmpty(), "foo does not reach port");
    }
}
