package dev.agentstore.http;

import dev.agentstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes that the store publishes ({@code agentstore.changes}), as the streams and long polls of one HTTP
 * verticle follow them, on its event loop. Each change is made into its event-stream frame once, however many
 * streams send it, and not at all while none listens (what the feed costs a write that nobody follows:
 * docs/PERFORMANCE.md). A change whose seq does not follow the last one seen of its database (a publication lost: on a
 * clustered bus they are sent at most once) is told to every listener as a gap: a listener then reads the change
 * table again from its own cursor, so that nobody misses a change because a publication did.
 */
final class ChangeHub {
    /** Every 15 s, a comment on each stream: proxies keep it open, and a dead peer is found. */
    static final long HEARTBEAT_MS = 15_000;

    /** A change as the hub hands it on: its seq, what it changed, its JSON and its event-stream frame. */
    static final class Event {
        final long seq;
        final String database;
        final String entity;
        final String id;
        final JsonObject json;
        private String frame;

        Event(long seq, String database, String entity, String id, JsonObject json) {
            this.seq = seq;
            this.database = database;
            this.entity = entity;
            this.id = id;
            this.json = json;
        }

        long seq() {
            return seq;
        }

        String database() {
            return database;
        }

        String entity() {
            return entity;
        }

        String id() {
            return id;
        }

        JsonObject json() {
            return json;
        }

        /** Made by the first stream that sends it. */
        String frame() {
            if (frame == null) {
                frame = "id: " + seq + "\nevent: change\ndata: " + json.encode() + "\n\n";
            }
            return frame;
        }
    }

    interface Listener {
        String database();

        /** A change of {@link #database}, in seq order. */
        void changed(Event event);

        /** Changes were missed: read the table again from the last one handled. */
        void gap();

        /** Every {@link #HEARTBEAT_MS}. */
        default void heartbeat() {}

        /** The server stops: end now (a stream closes; its client reconnects to another node or later). */
        default void shutdown() {}
    }

    private final Vertx vertx;
    private final Set<Listener> listeners = new LinkedHashSet<>();
    private final Map<String, Long> last = new HashMap<>();
    final StreamCounters counters;
    private MessageConsumer<JsonObject> consumer;

    private long heartbeat = -1;

    ChangeHub(Vertx vertx) {
        this.vertx = vertx;
        this.counters = StreamCounters.of(vertx);
    }

    /**
     * Call on the verticle's context: the consumer, and so every listener, runs on its event loop. The consumer is
     * registered while the hub has a listener, not before: a change that nobody on this verticle follows is not
     * delivered here (every delivery of a JSON body is a copy of it), which is most of what the feed costs a write
     * when nobody follows it (docs/PERFORMANCE.md, "The change feed").
     */
    Future<Void> start() {
        heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> List.copyOf(listeners).forEach(Listener::heartbeat));
        return Future.succeededFuture();
    }

    /** Ends every stream and long poll, then stops listening. */
    Future<Void> stop() {
        List.copyOf(listeners).forEach(Listener::shutdown);
        if (heartbeat >= 0) {
            vertx.cancelTimer(heartbeat);
        }
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    /** A listener listens from now on; it reads the table after, so that it misses nothing. */
    void add(Listener l) {
        listeners.add(l);
        if (consumer == null) {
            last.clear();
            consumer = vertx.eventBus().consumer(Addresses.CHANGES, msg -> changed(msg.body()));
            Future<Void> registered = consumer.completion();
            if (!registered.isComplete()) {
                // A clustered bus registers a consumer after a moment: a listener that read the table meanwhile
                // may have missed a change, so each reads again once it is registered. (A local one is at once.)
                registered.onSuccess(v -> List.copyOf(listeners).forEach(Listener::gap));
            }
        }
    }

    void remove(Listener l) {
        listeners.remove(l);
        if (listeners.isEmpty() && consumer != null) {
            consumer.unregister();
            consumer = null;
        }
    }

    private void changed(JsonObject change) {
        long seq = change.getLong("seq");
        String database = change.getString("database");
        Long before = last.put(database, seq);
        if (before != null && seq <= before) {
            last.put(database, before); // a repeat (a node that published it twice): already handed on
            return;
        }
        if (listeners.isEmpty()) {
            return;
        }
        boolean gap = before != null && seq != before + 1;
        Event e = new Event(seq, database, change.getString("entity"), change.getString("id"), change);
        for (Listener l : List.copyOf(listeners)) {
            if (l.database().equals(database)) {
                if (gap) {
                    l.gap();
                } else {
                    l.changed(e);
                }
            }
        }
    }
}
