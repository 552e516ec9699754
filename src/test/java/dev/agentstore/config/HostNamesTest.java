package dev.agentstore.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName(
        "http.allowed_hosts and http.cors.allowed_origins: one spelling for a host and an origin, and what is refused")
class HostNamesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "Host {0} is {1}")
    @CsvSource({
        "localhost, localhost",
        "LocalHost:8080, localhost",
        "localhost.:8080, localhost",
        "agent-store, agent-store",
        "my_service.internal:80, my_service.internal",
        "127.0.0.1:65535, 127.0.0.1",
        "'[::1]:8080', '[0:0:0:0:0:0:0:1]'",
        "'[0::1]', '[0:0:0:0:0:0:0:1]'",
        "'[FE80::1]:1', '[fe80:0:0:0:0:0:0:1]'",
    })
    void canonical(String header, String expected) {
        assertEquals(expected, HostNames.ofAuthority(header));
    }

    @ParameterizedTest(name = "Host ''{0}'' is no host")
    @ValueSource(
            strings = {
                "",
                ":8080",
                "localhost:",
                "localhost:123456",
                "localhost:80x",
                "a b",
                "evil.example@localhost",
                "[::1",
                "[localhost]",
                "[1.2.3.4]",
                "::1",
                "256.1.1.1",
                "1.2.3",
                "-leading.example",
                "xn--\u00e9.example",
                "a..b",
            })
    void notAHost(String header) {
        assertNull(HostNames.ofAuthority(header));
    }

    @ParameterizedTest(name = "Origin {0} is {1}")
    @CsvSource({
        "https://App.Example:8443, https://app.example:8443",
        "http://localhost:80, http://localhost",
        "https://x.example:443, https://x.example",
        "http://[::1]:3000, 'http://[0:0:0:0:0:0:0:1]:3000'",
    })
    void origin(String value, String expected) {
        assertEquals(expected, HostNames.origin(value));
    }

    @ParameterizedTest(name = "Origin ''{0}'' is no origin")
    @ValueSource(
            strings = {
                "null",
                "file://",
                "ftp://x.example",
                "https://x.example/",
                "https://x.example/app",
                "https://user@x.example",
                "https://x.example?q",
                "https://",
                "x.example"
            })
    void notAnOrigin(String value) {
        assertNull(HostNames.origin(value));
    }

    AppConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, true, env, new Properties());
    }

    String refused(String yaml, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, env));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    @DisplayName("the lists are read in their canonical form, from a file and from the environment")
    void readCanonical() throws Exception {
        AppConfig file = load(
                "http: {allowed_hosts: [Agent-Store, 'agent-store.', '[::1]'],"
                        + " cors: {allowed_origins: ['https://App.example:443']}}",
                Map.of());
        assertEquals(List.of("agent-store", "[0:0:0:0:0:0:0:1]"), file.http().allowedHosts());
        assertEquals(List.of("https://app.example"), file.http().corsAllowedOrigins());
        AppConfig env = load(
                "",
                Map.of(
                        "AGENTSTORE_HTTP_ALLOWED_HOSTS", "*",
                        "AGENTSTORE_HTTP_CORS_ALLOWED_ORIGINS", "http://localhost:3000, https://b.example"));
        assertEquals(List.of("*"), env.http().allowedHosts());
        assertEquals(
                List.of("http://localhost:3000", "https://b.example"),
                env.http().corsAllowedOrigins());
    }

    @Test
    @DisplayName("a host with a port, a host that is no host and `*` beside names are refused, saying where")
    void badHosts() {
        String port = refused("http: {allowed_hosts: ['agent-store:8080']}", Map.of());
        assertTrue(port.contains("http.allowed_hosts") && port.contains("'agent-store:8080' has a port"), port);
        String env = refused("", Map.of("AGENTSTORE_HTTP_ALLOWED_HOSTS", "ok.example,bad host"));
        assertTrue(env.contains("'bad host' is not a host name") && env.contains("AGENTSTORE_HTTP_ALLOWED_HOSTS"), env);
        String star = refused("http: {allowed_hosts: ['*', 'a.example']}", Map.of());
        assertTrue(star.contains("list it alone"), star);
    }

    @Test
    @DisplayName("`*`, `null`, a path and a scheme other than http(s) are refused as origins")
    void badOrigins() {
        for (String bad : List.of("*", "null", "https://a.example/", "ftp://a.example", "a.example")) {
            String message = refused("http: {cors: {allowed_origins: ['" + bad + "']}}", Map.of());
            assertTrue(message.startsWith("http.cors.allowed_origins: '" + bad + "'"), message);
        }
    }
}
