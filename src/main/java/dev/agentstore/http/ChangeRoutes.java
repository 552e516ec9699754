package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The change feed over HTTP (docs/api.md, "Changes"): a page of it, with long poll ({@code wait}), and the feed as
 * server-sent events, resumed by {@code Last-Event-ID}. Both read the change table, so a client that comes back
 * gets every change it has not seen, in order; live changes come from the {@link ChangeHub}.
 */
final class ChangeRoutes {
    static final int MAX_WAIT_S = 30;
    /** Changes read from the table per catch-up step of a stream. */
    static final int CATCH_UP_ROWS = 500;

    private static final Query LIST = Query.NONE
            .whole("limit")
            .whole("after")
            .text("entity")
            .text("database")
            .whole("wait");
    private static final Query STREAM =
            Query.NONE.whole("after").text("entity").text("database").bool("follow");

    private final Vertx vertx;
    private final StoreClient store;
    private final Streams streams;

    ChangeRoutes(Vertx vertx, StoreClient store, Streams streams) {
        this.vertx = vertx;
        this.store = store;
        this.streams = streams;
    }

    void mount(Api api) {
        api.get("/api/changes", LIST, this::list);
        api.get("/api/changes/stream", STREAM, this::stream);
    }

    /** GET /api/changes: a page; with {@code wait}, an empty page waits up to that many seconds for a change. */
    private void list(RoutingContext ctx) {
        JsonObject query = Query.parsed(ctx).copy();
        Object w = query.remove("wait");
        long wait = w == null ? 0 : ((Number) w).longValue();
        if (wait < 0 || wait > MAX_WAIT_S) {
            Problems.send(ctx, 400, "'wait' must be between 0 and " + MAX_WAIT_S + " seconds, got " + wait);
            return;
        }
        if (wait == 0) {
            Responses.query(ctx, q -> store.listChanges(query));
            return;
        }
        new LongPoll(ctx, query, wait * 1000).start();
    }

    /**
     * A long poll: listens to the hub before its first read, so that a change committed while the read runs is not
     * waited for: a change seen after the cursor wakes it, and it reads again.
     */
    private final class LongPoll implements ChangeHub.Listener {
        private final RoutingContext ctx;
        private final JsonObject query;
        private final long waitMs;
        private final String database;
        private final String entity;
        private long timer = -1;
        private long cursor;
        private boolean woken;
        private boolean reading;
        private boolean done;

        LongPoll(RoutingContext ctx, JsonObject query, long waitMs) {
            this.ctx = ctx;
            this.query = query;
            this.waitMs = waitMs;
            this.database = databaseOf(query);
            this.entity = query.getString("entity");
            this.cursor = afterOf(query);
        }

        void start() {
            streams.hub().add(this);
            ctx.response().closeHandler(v -> finish());
            timer = vertx.setTimer(waitMs, id -> {
                timer = -1;
                if (!reading) {
                    read(true);
                }
            });
            read(false);
        }

        private void read(boolean last) {
            reading = true;
            woken = false;
            Responses.called(() -> store.listChanges(query)).onComplete(ar -> {
                reading = false;
                if (done) {
                    return;
                }
                if (ar.failed()) {
                    finish();
                    Problems.fail(ctx, ar.cause());
                } else if (ar.result().getInteger("count") > 0 || last || timer < 0) {
                    finish();
                    Responses.send(ctx, 200, ar.result());
                } else if (woken) {
                    read(false); // a change came while this read ran: it may be in the table now
                }
            });
        }

        private void finish() {
            done = true;
            streams.hub().remove(this);
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        @Override
        public String database() {
            return database;
        }

        @Override
        public void changed(ChangeHub.Event e) {
            if (e.seq() > cursor && (entity == null || entity.equals(e.entity()))) {
                wake();
            }
        }

        @Override
        public void gap() {
            wake();
        }

        @Override
        public void shutdown() {
            if (!reading && !done) {
                read(true); // answers what the table holds now
            }
        }

        private void wake() {
            woken = true;
            if (!reading && !done) {
                read(false);
            }
        }
    }

    /** GET /api/changes/stream: the feed from {@code Last-Event-ID} (or {@code after}) on, as server-sent events. */
    private void stream(RoutingContext ctx) {
        JsonObject query = Query.parsed(ctx).copy();
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                long seq = Long.parseLong(lastEventId.trim());
                if (seq < 0) {
                    throw new NumberFormatException();
                }
                query.put("after", seq);
            } catch (NumberFormatException e) {
                Problems.send(
                        ctx,
                        400,
                        "Last-Event-ID must be the seq of a change (a whole number), got '"
                                + Problems.quoted(lastEventId) + "'");
                return;
            }
        }
        new FeedStream(ctx, query, follows(ctx, query)).start();
    }

    /**
     * {@code follow} (default true): after what the table holds, go on with each change as it commits; false ends
     * the stream once it has caught up, as a HEAD does (it has no body to stream).
     */
    static boolean follows(RoutingContext ctx, JsonObject query) {
        Object follow = query.remove("follow");
        return !Boolean.FALSE.equals(follow) && ctx.request().method() != io.vertx.core.http.HttpMethod.HEAD;
    }

    /**
     * One stream of the feed. It reads the table from its cursor until it has caught up, then sends the changes the
     * hub hands it. While a read runs it notes only the highest seq the hub saw, never the changes themselves: when
     * the read answers with a partial page whose {@code latest} is below that seq, it reads again. So it holds at most
     * what its {@link EventStream} bounds, and never misses a change published while it read.
     */
    private final class FeedStream implements ChangeHub.Listener {
        private final RoutingContext ctx;
        private final JsonObject query;
        private final String database;
        private final String entity;
        private final boolean follow;
        private long cursor;
        private long seenWhileReading;
        private boolean live;
        private boolean reading;
        private EventStream events;

        FeedStream(RoutingContext ctx, JsonObject query, boolean follow) {
            this.ctx = ctx;
            this.query = query;
            this.follow = follow;
            this.database = databaseOf(query);
            this.entity = query.getString("entity");
            this.cursor = afterOf(query);
        }

        void start() {
            streams.hub().add(this);
            ctx.response().closeHandler(v -> streams.hub().remove(this));
            catchUp();
        }

        private void catchUp() {
            live = false;
            reading = true;
            seenWhileReading = 0;
            JsonObject page = query.copy().put("limit", CATCH_UP_ROWS);
            if (cursor > 0 || query.containsKey("after")) {
                page.put("after", cursor); // else from the oldest held, whatever its seq
            }
            Responses.called(() -> store.listChanges(page)).onComplete(ar -> {
                reading = false;
                if (events != null && events.isClosed()) {
                    return;
                }
                if (ar.failed()) {
                    failed(ar.cause());
                    return;
                }
                if (events == null) {
                    events = EventStream.open(ctx, streams.guard(), streams.maxPending(), streams.hub().counters);
                    events.onClose(() -> streams.hub().remove(this));
                }
                JsonObject r = ar.result();
                JsonArray changes = r.getJsonArray("changes");
                StringBuilder frames = new StringBuilder();
                for (int i = 0; i < changes.size(); i++) {
                    JsonObject c = changes.getJsonObject(i);
                    frames.append("id: ")
                            .append(c.getLong("seq"))
                            .append("\nevent: change\ndata: ")
                            .append(c.encode())
                            .append("\n\n");
                }
                if (!frames.isEmpty()) {
                    events.send(frames.toString());
                }
                cursor = Math.max(cursor, r.getLong("next"));
                Long latest = r.getLong("latest");
                if (changes.size() == CATCH_UP_ROWS || (latest != null && seenWhileReading > latest)) {
                    catchUp();
                } else {
                    // every change up to latest was in the table as it read: those of other entities are past too
                    cursor = latest == null ? cursor : Math.max(cursor, latest);
                    live = true;
                    if (!follow) {
                        streams.hub().remove(this);
                        events.end();
                    }
                }
            });
        }

        private void failed(Throwable err) {
            if (events == null) {
                streams.hub().remove(this);
                Problems.fail(ctx, err);
            } else {
                // the client reconnects from the last id it got; a 410 then tells it why
                events.close();
            }
        }

        @Override
        public String database() {
            return database;
        }

        @Override
        public void changed(ChangeHub.Event e) {
            if (!live) {
                seenWhileReading = Math.max(seenWhileReading, e.seq());
                return;
            }
            if (e.seq() <= cursor) {
                return;
            }
            cursor = e.seq();
            if (entity == null || entity.equals(e.entity())) {
                events.send(e.frame());
            }
        }

        @Override
        public void gap() {
            if (live) {
                catchUp();
            } else {
                seenWhileReading = Long.MAX_VALUE;
            }
        }

        @Override
        public void heartbeat() {
            if (events != null) {
                events.heartbeat();
            }
        }

        @Override
        public void shutdown() {
            if (events != null) {
                events.close();
            }
        }
    }

    /** The database a feed query names: {@code workflow} when it names none. */
    private static String databaseOf(JsonObject query) {
        return query.getString("database", "workflow");
    }

    /** The cursor a feed query starts after: 0 (from the oldest held) when it gives none. */
    private static long afterOf(JsonObject query) {
        return query.getValue("after") instanceof Number n ? n.longValue() : 0;
    }

    /** What the streaming routes share: the hub of the verticle, its connection guard, the bound of a stream. */
    record Streams(ChangeHub hub, ConnectionGuard guard, int maxPending) {}
}
