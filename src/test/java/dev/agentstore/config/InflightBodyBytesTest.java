package dev.agentstore.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("http.max_inflight_body_bytes: 0 is an eighth of the heap; a budget under max_body_bytes is refused")
class InflightBodyBytesTest {
    static HttpConfig http(JsonObject section) {
        return ConfigLoader.parse(new JsonObject().put("http", section), Map.of(), new Properties())
                .http();
    }

    @Test
    @DisplayName("left out, or 0, it is an eighth of this JVM's heap, and never less than http.max_body_bytes")
    void zeroIsAnEighthOfTheHeap() {
        long eighth = Runtime.getRuntime().maxMemory() / 8;
        assertEquals(Math.max(1 << 20, eighth), http(new JsonObject()).maxInflightBodyBytes());
        assertEquals(
                Math.max(1 << 20, eighth),
                http(new JsonObject().put("max_inflight_body_bytes", 0)).maxInflightBodyBytes());
        assertEquals(
                Math.max(64 << 20, eighth),
                http(new JsonObject().put("max_body_bytes", 64 << 20)).maxInflightBodyBytes());
    }

    @Test
    @DisplayName("set, it is kept as it is")
    void setIsKept() {
        assertEquals(
                5_000_000,
                http(new JsonObject().put("max_inflight_body_bytes", 5_000_000)).maxInflightBodyBytes());
    }

    @Test
    @DisplayName("under http.max_body_bytes it stops the start, naming both keys: the largest bodies would be"
            + " refused forever")
    void underMaxBodyBytesIsABadConfiguration() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> http(new JsonObject().put("max_body_bytes", 65_536).put("max_inflight_body_bytes", 65_535)));
        assertEquals(
                "http.max_inflight_body_bytes (65535) must be 0 (an eighth of the heap) or at least"
                        + " http.max_body_bytes (65536)",
                e.getMessage());
    }
}
