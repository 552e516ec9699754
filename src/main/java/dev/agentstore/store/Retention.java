package dev.agentstore.store;

import dev.agentstore.config.RetentionConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Retention: deletes the rows of the workflow database that are older than their table's days, in steps of
 * {@code retention.batch_rows} rows, each one write request queued to the writer among the others: no step holds
 * the write lock longer than a few milliseconds, and writes go on between them (group commit puts them in the same
 * transactions). Then, when the file has {@code auto_vacuum = INCREMENTAL}, the freed pages are given back in steps
 * of {@value #VACUUM_PAGES} pages the same way.
 *
 * <p>A run takes the cutoffs once, when it starts: it deletes exactly the rows that were due then. One run at a
 * time; it runs on the store verticle's context, each step's SQL on the writer thread.
 */
final class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class.getName());
    static final int VACUUM_PAGES = 1000;

    /** What is deleted: the table a rule selects from, the tables it deletes from (children first). */
    private record Rule(String name, int days, String select, List<String[]> deletes) {}

    private final Vertx vertx;
    private final Context context;
    private final RetentionConfig config;
    private final Database db;
    private final List<Rule> rules = new ArrayList<>();
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<String, Counter> deletedCounters = new LinkedHashMap<>();
    private Counter freedCounter;
    private long timer = -1;
    private boolean closed;
    /** The run in progress, or null; on the context only. */
    private JsonObject running;

    private JsonObject lastRun;
    private volatile double lastSuccessEpochS;

    Retention(Vertx vertx, RetentionConfig config, Database db, MeterRegistry registry) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.db = db;
        this.registry = registry;
        if (config.workflowsDays() > 0) {
            rules.add(new Rule(
                    "workflows",
                    config.workflowsDays(),
                    "SELECT id FROM workflow_states WHERE status IN ('completed', 'failed', 'cancelled')"
                            + " AND coalesce(completed_at, updated_at) < ? LIMIT ?",
                    List.of(
                            new String[] {"workflow_history", "DELETE FROM workflow_history WHERE workflow_id = ?"},
                            new String[] {"workflow_states", "DELETE FROM workflow_states WHERE id = ?"})));
        }
        if (config.articlesDays() > 0) {
            rules.add(new Rule(
                    "articles",
                    config.articlesDays(),
                    "SELECT id FROM articles WHERE created_at < ? LIMIT ?",
                    List.<String[]>of(new String[] {"articles", "DELETE FROM articles WHERE id = ?"})));
        }
        if (config.alertsDays() > 0) {
            rules.add(new Rule(
                    "alerts",
                    config.alertsDays(),
                    "SELECT id FROM alerts WHERE created_at < ? LIMIT ?",
                    List.<String[]>of(new String[] {"alerts", "DELETE FROM alerts WHERE id = ?"})));
        }
        if (registry != null) {
            String database = db.config().name();
            for (String table : List.of("workflow_states", "workflow_history", "articles", "alerts")) {
                Counter c = Counter.builder("agentstore.retention.deleted.rows")
                        .description("rows that retention deleted")
                        .tag("database", database)
                        .tag("table", table)
                        .register(registry);
                deletedCounters.put(table, c);
                meters.add(c);
            }
            freedCounter = Counter.builder("agentstore.retention.freed.bytes")
                    .description("bytes that retention gave back to the file system (incremental vacuum)")
                    .tag("database", database)
                    .register(registry);
            meters.add(freedCounter);
            meters.add(Gauge.builder("agentstore.retention.last.success", this, r -> r.lastSuccessEpochS)
                    .description("when the last retention run finished, in seconds since the epoch; 0: none since"
                            + " the start")
                    .tag("database", database)
                    .register(registry));
        }
    }

    /** Starts the schedule when some table has days: a first run one interval after the start, then each interval. */
    void start() {
        if (config.enabled()) {
            timer = vertx.setPeriodic(config.intervalS() * 1000L, id -> begin("scheduled"));
        }
    }

    /**
     * Starts a run now, unless one runs (then it is that one): its state at once. With no table's days set, a
     * run that deletes nothing but still gives back free pages.
     */
    JsonObject begin(String trigger) {
        if (running != null || closed) {
            return status();
        }
        Instant now = Instant.now();
        JsonObject cutoffs = new JsonObject();
        for (Rule r : rules) {
            cutoffs.put(r.name(), Timestamps.format(now.minus(Duration.ofDays(r.days()))));
        }
        running = new JsonObject()
                .put("trigger", trigger)
                .put("started_at", now.toString())
                .put("cutoffs", cutoffs)
                .put("deleted", new JsonObject())
                .put("steps", 0)
                .put("freed_bytes", 0L);
        step(0);
        return status();
    }

    private void step(int rule) {
        if (closed) {
            finish("the server is stopping");
            return;
        }
        if (rule == rules.size()) {
            vacuum();
            return;
        }
        Rule r = rules.get(rule);
        String cutoff = running.getJsonObject("cutoffs").getString(r.name());
        db.write(s -> purge(s, r, cutoff), reply(body -> {
            JsonObject deleted = running.getJsonObject("deleted");
            body.getJsonObject("deleted").forEach(e -> {
                long n = ((Number) e.getValue()).longValue();
                deleted.put(e.getKey(), deleted.getLong(e.getKey(), 0L) + n);
                Counter c = deletedCounters.get(e.getKey());
                if (c != null) {
                    c.increment(n);
                }
            });
            running.put("steps", running.getInteger("steps") + 1);
            step(body.getBoolean("done") ? rule + 1 : rule);
        }));
    }

    /** One step: up to batch_rows rows of a rule, selected and deleted in the writer's transaction. */
    private JsonObject purge(Session s, Rule r, String cutoff) throws SQLException {
        List<Object> ids = new ArrayList<>();
        PreparedStatement select = s.prepare(r.select(), cutoff, config.batchRows());
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1));
            }
        }
        JsonObject deleted = new JsonObject();
        for (String[] d : r.deletes()) {
            long n = 0;
            for (Object id : ids) {
                n += s.update(s.prepare(d[1], id instanceof Integer i ? (long) i : id));
            }
            deleted.put(d[0], n);
        }
        return new JsonObject().put("deleted", deleted).put("done", ids.size() < config.batchRows());
    }

    /** Gives the free pages back in steps, when the file allows it (auto_vacuum = INCREMENTAL). */
    private void vacuum() {
        if (closed) {
            finish("the server is stopping");
            return;
        }
        db.write(Retention::vacuumStep, reply(body -> {
            running.put("auto_vacuum", body.getString("auto_vacuum"));
            running.put("free_pages", body.getLong("free_pages"));
            long freed = body.getLong("freed_bytes");
            running.put("freed_bytes", running.getLong("freed_bytes") + freed);
            if (freedCounter != null) {
                freedCounter.increment(freed);
            }
            if (freed > 0 && body.getLong("free_pages") > 0) {
                vacuum();
            } else {
                finish(null);
            }
        }));
    }

    private static JsonObject vacuumStep(Session s) throws SQLException {
        String mode = switch ((int) pragma(s, "PRAGMA auto_vacuum")) {
            case 1 -> "full";
            case 2 -> "incremental";
            default -> "none";
        };
        long pageSize = pragma(s, "PRAGMA page_size");
        long before = pragma(s, "PRAGMA page_count");
        if (mode.equals("incremental")) {
            // one page a step of the pragma's statement, and the driver steps it once a call (Session.repeat)
            s.repeat("PRAGMA incremental_vacuum(1)", Math.min(pragma(s, "PRAGMA freelist_count"), VACUUM_PAGES));
        }
        long after = pragma(s, "PRAGMA page_count");
        return new JsonObject()
                .put("auto_vacuum", mode)
                .put("free_pages", pragma(s, "PRAGMA freelist_count"))
                .put("freed_bytes", (before - after) * pageSize);
    }

    private static long pragma(Session s, String sql) throws SQLException {
        try (ResultSet rs = s.prepare(sql).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private Reply reply(java.util.function.Consumer<JsonObject> next) {
        return new Reply() {
            @Override
            public void ok(JsonObject body) {
                context.runOnContext(v -> next.accept(body));
            }

            @Override
            public void fail(int code, String message) {
                context.runOnContext(v -> finish(message));
            }
        };
    }

    private void finish(String error) {
        JsonObject run = running;
        running = null;
        if (run == null) {
            return;
        }
        run.put("finished_at", Instant.now().toString());
        if (error != null) {
            run.put("error", error);
            LOG.warning("retention run failed after " + run.getInteger("steps") + " steps: " + error);
        } else {
            lastSuccessEpochS = Instant.now().getEpochSecond();
            LOG.info("retention: deleted " + run.getJsonObject("deleted").encode() + " in " + run.getInteger("steps")
                    + " steps, gave back " + run.getLong("freed_bytes") + " bytes");
        }
        lastRun = run;
    }

    /** The configuration, the run in progress and the last one. */
    JsonObject status() {
        JsonObject days = new JsonObject()
                .put("workflows", config.workflowsDays())
                .put("articles", config.articlesDays())
                .put("alerts", config.alertsDays());
        return new JsonObject()
                .put("enabled", config.enabled())
                .put("database", db.config().name())
                .put("days", days)
                .put("interval_s", config.intervalS())
                .put("batch_rows", config.batchRows())
                .put("running", running == null ? null : running.copy())
                .put("last_run", lastRun == null ? null : lastRun.copy());
    }

    /** Stops the schedule; a run in progress stops at its next step. */
    void close() {
        closed = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (registry != null) {
            meters.forEach(registry::remove);
        }
    }
}
