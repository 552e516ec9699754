package dev.agentstore.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * The codec of the store's requests and replies: within one process it hands the JsonObject over as
 * it is, where Vert.x's own JSON codec deep-copies every body on every hop (a list of 20 workflows is
 * copied twice). Across a cluster it encodes as JSON, like the built-in codec.
 *
 * <p>The contract that makes this safe: a body is not changed after it is sent. StoreClient's callers
 * build a body and hand it over; the store builds each reply afresh and keeps no reference to it.
 */
public final class LocalJsonCodec implements MessageCodec<JsonObject, JsonObject> {
    public static final String NAME = "agentstore-json";

    /** Registers the codec on {@code vertx} once; later calls find it there. */
    public static synchronized void register(Vertx vertx) {
        try {
            vertx.eventBus().registerCodec(new LocalJsonCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // another verticle of this Vert.x instance registered it first
        }
    }

    /** Delivery options that select this codec. */
    public static DeliveryOptions options() {
        return new DeliveryOptions().setCodecName(NAME);
    }

    @Override
    public void encodeToWire(Buffer buffer, JsonObject body) {
        Buffer encoded = body.toBuffer();
        buffer.appendInt(encoded.length());
        buffer.appendBuffer(encoded);
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        return new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
    }

    @Override
    public JsonObject transform(JsonObject body) {
        return body;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
