package dev.agentstore.http;

import dev.agentstore.bus.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * GET /api/workflows/{id}/watch: one workflow as server-sent events (docs/api.md, "Watching a workflow"). It sends
 * the workflow ({@code event: workflow}) and its history rows ({@code event: history}, each with its row id as the
 * event id), then every change as it commits: the history row it appended and the workflow as it is after it. It
 * ends once the workflow is in a final status. A client that reconnects with {@code Last-Event-ID} (a history row
 * id) gets the workflow again and the history rows after that one.
 */
final class WatchRoutes {
    /** docs/api.md, "Statuses": nothing moves on from these. */
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

    private final StoreClient store;
    private final ChangeRoutes.Streams streams;

    WatchRoutes(StoreClient store, ChangeRoutes.Streams streams) {
        this.store = store;
        this.streams = streams;
    }

    void mount(Api api) {
        api.get("/api/workflows/:id/watch", Query.NONE.bool("follow"), this::watch);
    }

    private void watch(RoutingContext ctx) {
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        long after = 0;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Long.parseLong(lastEventId.trim());
                if (after < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                Problems.send(
                        ctx,
                        400,
                        "Last-Event-ID must be the id of a history row (a whole number), got '"
                                + Problems.quoted(lastEventId) + "'");
                return;
            }
        }
        boolean follow = ChangeRoutes.follows(ctx, Query.parsed(ctx).copy());
        new Watch(ctx, ctx.pathParam("id"), after, follow).start();
    }

    /**
     * One watch. It listens to the hub before it reads, and holds the changes of its workflow that come while a read
     * runs (a handful: one workflow's own changes), so that none is lost between the read and the stream.
     */
    private final class Watch implements ChangeHub.Listener {
        private final RoutingContext ctx;
        private final String id;
        private final List<ChangeHub.Event> held = new ArrayList<>();
        private long lastHistory;
        private long sentVersion;
        private boolean reading;
        /** A gap was seen while a read ran: read again after it. */
        private boolean again;

        private EventStream events;
        private boolean done;

        private final boolean follow;

        Watch(RoutingContext ctx, String id, long lastHistory, boolean follow) {
            this.ctx = ctx;
            this.follow = follow;
            this.id = id;
            this.lastHistory = lastHistory;
        }

        void start() {
            streams.hub().add(this);
            ctx.response().closeHandler(v -> finish());
            read();
        }

        /** Reads the workflow, then its history, and sends what is newer than what was sent. */
        private void read() {
            reading = true;
            Future<JsonObject> wf = Responses.called(() -> store.getWorkflow(id));
            wf.compose(w -> store.workflowHistory(id)
                            .map(h -> new JsonObject().put("workflow", w).put("history", h)))
                    .onComplete(ar -> {
                        reading = false;
                        if (done) {
                            return;
                        }
                        if (ar.failed()) {
                            if (events == null) {
                                finish();
                                Problems.fail(ctx, ar.cause());
                            } else {
                                events.close();
                            }
                            return;
                        }
                        if (events == null) {
                            events = EventStream.open(
                                    ctx, streams.guard(), streams.maxPending(), streams.hub().counters);
                            events.onClose(this::finish);
                        }
                        JsonArray rows = ar.result().getJsonObject("history").getJsonArray("history");
                        for (int i = 0; i < rows.size(); i++) {
                            history(rows.getJsonObject(i));
                        }
                        workflow(ar.result().getJsonObject("workflow"));
                        List<ChangeHub.Event> come = List.copyOf(held);
                        held.clear();
                        come.forEach(this::apply);
                        if (!follow && !done) {
                            finish();
                            events.end();
                        }
                        if (again && !done) {
                            again = false;
                            read();
                        }
                    });
        }

        private void history(JsonObject row) {
            long rowId = row.getLong("id");
            if (rowId > lastHistory && !done) {
                events.send("id: " + rowId + "\nevent: history\ndata: " + row.encode() + "\n\n");
                lastHistory = rowId;
            }
        }

        private void workflow(JsonObject wf) {
            long version = wf.getLong("version", 0L);
            if (version > sentVersion && !done) {
                events.send("event: workflow\ndata: " + wf.encode() + "\n\n");
                sentVersion = version;
                if (FINAL.contains(wf.getString("status"))) {
                    done = true;
                    streams.hub().remove(this);
                    events.end();
                }
            }
        }

        private void apply(ChangeHub.Event e) {
            if (done) {
                return;
            }
            JsonObject history = e.json().getJsonObject("history");
            if (history != null) {
                history(history);
            }
            workflow(e.json().getJsonObject("data"));
        }

        private void finish() {
            done = true;
            streams.hub().remove(this);
        }

        @Override
        public String database() {
            return "workflow";
        }

        @Override
        public void changed(ChangeHub.Event e) {
            if (!"workflow".equals(e.entity()) || !id.equals(e.id())) {
                return;
            }
            if (reading) {
                held.add(e);
                if (held.size() > streams.maxPending() && events != null) {
                    events.close();
                }
            } else if (events != null) {
                apply(e);
            }
        }

        @Override
        public void gap() {
            if (reading) {
                again = true;
            } else if (!done) {
                read();
            }
        }

        @Override
        public void shutdown() {
            if (events != null) {
                events.close();
            }
        }

        @Override
        public void heartbeat() {
            if (events != null) {
                events.heartbeat();
            }
        }
    }
}
