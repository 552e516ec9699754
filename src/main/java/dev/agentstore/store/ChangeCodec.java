package dev.agentstore.store;

import dev.agentstore.bus.LocalJsonCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * How a committed change travels on {@code agentstore.changes}: the store publishes the change as the writer
 * recorded it, and a consumer receives it as JSON, made at delivery, once, and shared by every consumer in the
 * process (read-only to them, as every body of {@link dev.agentstore.bus.LocalJsonCodec}). A change that no
 * consumer listens for is never made into JSON: measured, building and copying the JSON of every change cost
 * creates about a tenth of their throughput while nobody listened (docs/PERFORMANCE.md, "The change feed").
 * Across a cluster it is encoded as that JSON.
 */
final class ChangeCodec implements MessageCodec<ChangeCodec.Published, JsonObject> {
    static final String NAME = "agentstore-change";
    static final DeliveryOptions OPTIONS = new DeliveryOptions().setCodecName(NAME);

    /** A change of one database, and its JSON once a consumer asked for it. */
    static final class Published {
        private final Changes.Change change;
        private final String database;
        private JsonObject json;

        Published(Changes.Change change, String database) {
            this.change = change;
            this.database = database;
        }

        synchronized JsonObject json() {
            if (json == null) {
                json = change.json(database);
            }
            return json;
        }
    }

    static synchronized void register(Vertx vertx) {
        try {
            vertx.eventBus().registerCodec(new ChangeCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // another store verticle of this Vert.x instance registered it first
        }
    }

    /** On the wire a change is its JSON, framed as every store body is. */
    private static final LocalJsonCodec WIRE = new LocalJsonCodec();

    @Override
    public void encodeToWire(Buffer buffer, Published body) {
        WIRE.encodeToWire(buffer, body.json());
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
        return WIRE.decodeFromWire(pos, buffer);
    }

    @Override
    public JsonObject transform(Published body) {
        return body.json();
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
