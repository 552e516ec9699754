package dev.agentstore.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("http.host must resolve, to an address of this machine")
class ListenAddressTest {
    static HttpConfig host(String host) {
        return new HttpConfig(
                host,
                8080,
                1 << 20,
                65_000,
                10_000,
                1 << 20,
                10_000,
                60,
                1000,
                List.of(),
                List.of(),
                HttpConfig.AccessLogFormat.OFF,
                false,
                1000);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1", "localhost", "0.0.0.0", "::1", "::"})
    @DisplayName("loopback, the wildcard and localhost are accepted")
    void localAddressesAreAccepted(String h) {
        assertDoesNotThrow(() -> ListenAddress.check(host(h)));
    }

    @Test
    @DisplayName("a name that does not resolve is refused, naming http.host")
    void unresolvableName() {
        // .invalid never resolves (RFC 6761).
        ConfigException e =
                assertThrows(ConfigException.class, () -> ListenAddress.check(host("no-such-host.invalid")));
        assertEquals("http.host 'no-such-host.invalid' does not resolve to an address", e.getMessage());
    }

    @Test
    @DisplayName("an address of another machine is refused, naming http.host")
    void addressOfAnotherMachine() {
        // TEST-NET-3 (RFC 5737): documentation only, on no interface. Nothing is sent to it.
        ConfigException e = assertThrows(ConfigException.class, () -> ListenAddress.check(host("203.0.113.7")));
        assertEquals(
                "http.host '203.0.113.7' (203.0.113.7) is not an address of this machine; use 127.0.0.1, 0.0.0.0 or"
                        + " an address of one of its interfaces",
                e.getMessage());
    }
}
