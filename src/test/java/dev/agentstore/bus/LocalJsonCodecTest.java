package dev.agentstore.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LocalJsonCodec: no copy in the process, JSON on the wire")
class LocalJsonCodecTest {
    @Test
    @DisplayName(
            "a local delivery hands over the same object; the wire form decodes to an equal one, after other bytes")
    void localAndWire() {
        LocalJsonCodec codec = new LocalJsonCodec();
        JsonObject body = new JsonObject()
                .put(
                        "workflows",
                        new JsonArray().add(new JsonObject().put("id", "a").put("data", new JsonObject().put("k", 1))))
                .put("text", "é ü 漢字")
                .putNull("none");
        assertSame(body, codec.transform(body));
        Buffer wire = Buffer.buffer("prefix");
        codec.encodeToWire(wire, body);
        assertEquals(body, codec.decodeFromWire("prefix".length(), wire));
    }
}
