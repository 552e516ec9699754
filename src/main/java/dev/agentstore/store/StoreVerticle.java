package dev.agentstore.store;

import dev.agentstore.bus.Actions;
import dev.agentstore.bus.Addresses;
import dev.agentstore.bus.Failures;
import dev.agentstore.bus.LocalJsonCodec;
import dev.agentstore.config.AppConfig;
import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.metrics.Metrics;
import dev.agentstore.store.agent.AgentRepository;
import dev.agentstore.store.alert.AlertRepository;
import dev.agentstore.store.article.ArticleRepository;
import dev.agentstore.store.rule.AlertRuleRepository;
import dev.agentstore.store.workflow.WorkflowRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker verticle that owns the databases. It migrates every database, opens its pool and writer,
 * and only then registers its event-bus addresses, so that no request can reach a store that is not
 * ready. Handlers validate the request and hand it to a reader thread or to the writer; they never wait.
 */
public final class StoreVerticle extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(StoreVerticle.class.getName());
    /** How often expired idempotency keys are looked for. */
    static final long PURGE_INTERVAL_MS = 60_000;

    private final AppConfig config;
    private final Map<String, Database> databases = new LinkedHashMap<>();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private Database workflowDb;
    private Database agentDb;
    private WorkflowRepository workflows;
    private ArticleRepository articles;
    private AlertRepository alerts;
    private final AlertRuleRepository alertRules = new AlertRuleRepository();
    private AgentRepository agents;
    private StoreHealth health;
    private Backups backups;
    private Retention retention;
    private IdempotencyKeys idempotency;
    private final List<TablePurge> purges = new ArrayList<>();
    /** Null without metrics. */
    private BusTimers timers;

    private final List<StoreMeters.Registered> meters = new ArrayList<>();

    public StoreVerticle(AppConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        try {
            for (DatabaseConfig db : config.databases()) {
                databases.put(db.name(), Database.open(db));
            }
        } catch (Exception e) {
            databases.values().forEach(Database::close);
            databases.clear();
            return Future.failedFuture(new IllegalStateException(e.getMessage(), e));
        }
        workflowDb = databases.get("workflow");
        // Where the Python implementation kept them, unless the config gives them a database of their own.
        agentDb = databases.getOrDefault("agent_versions", workflowDb);
        workflows = new WorkflowRepository(config.limits());
        articles = new ArticleRepository(config.limits());
        alerts = new AlertRepository(config.limits());
        agents = new AgentRepository(config.limits());
        health = new StoreHealth(vertx, databases);
        Metrics.registry(vertx).ifPresent(registry -> {
            timers = new BusTimers(registry);
            databases.values().forEach(db -> meters.add(db.meters(registry)));
        });
        backups = new Backups(
                vertx, config.backup(), databases, Metrics.registry(vertx).orElse(null));
        backups.start();
        retention = new Retention(
                vertx, config.retention(), workflowDb, Metrics.registry(vertx).orElse(null));
        retention.start();
        Duration keysKept = Duration.ofSeconds(config.retention().idempotencyKeysS());
        idempotency = new IdempotencyKeys(keysKept);
        Duration changesKept = Duration.ofSeconds(config.retention().changesS());
        databases.forEach((name, db) -> {
            purges.add(IdempotencyKeys.purge(
                    vertx, db, keysKept, config.retention().batchRows(), PURGE_INTERVAL_MS));
            purges.add(Changes.purge(vertx, db, changesKept, config.retention().batchRows(), PURGE_INTERVAL_MS));
            db.listen(publisher(name));
        });
        purges.forEach(TablePurge::start);
        LocalJsonCodec.register(vertx);
        ChangeCodec.register(vertx);
        consumers.add(vertx.eventBus().consumer(Addresses.WORKFLOWS, this::onWorkflows));
        consumers.add(vertx.eventBus().consumer(Addresses.ARTICLES, this::onArticles));
        consumers.add(vertx.eventBus().consumer(Addresses.ALERTS, this::onAlerts));
        consumers.add(vertx.eventBus().consumer(Addresses.ALERT_RULES, this::onAlertRules));
        consumers.add(vertx.eventBus().consumer(Addresses.AGENTS, this::onAgents));
        consumers.add(vertx.eventBus().consumer(Addresses.STORE, this::onStore));
        consumers.add(vertx.eventBus().consumer(Addresses.FEED, this::onFeed));
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                .onFailure(err -> closeDatabases().forEach(LOG::warning)); // no stop() after a failed start
    }

    /**
     * Closes every database at once: each may take its writer's flush and a checkpoint.
     *
     * @return what each database that did not stop cleanly left behind (see {@link Database#stop})
     */
    private List<String> closeDatabases() {
        if (health != null) {
            health.close();
        }
        if (retention != null) {
            retention.close();
        }
        purges.forEach(TablePurge::close);
        purges.clear();
        if (backups != null) {
            backups.close(); // before the databases: a copy's read transaction would hold off their checkpoint
        }
        meters.forEach(StoreMeters.Registered::close);
        meters.clear();
        if (timers != null) {
            timers.close();
        }
        List<CompletableFuture<String>> stops = databases.entrySet().stream()
                .map(db -> CompletableFuture.supplyAsync(
                        db.getValue()::stop, r -> new Thread(r, "agentstore-close-" + db.getKey()).start()))
                .toList();
        List<String> left = stops.stream()
                .map(CompletableFuture::join)
                .filter(Objects::nonNull)
                .toList();
        databases.clear();
        return left;
    }

    /** Fails with {@link CheckpointFailedException} when a database's -wal is left behind. */
    @Override
    public Future<?> stop() {
        // transform, not eventually: eventually() drops the failure of the future its function returns
        return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
                .transform(ignored -> {
                    List<String> left = closeDatabases();
                    return left.isEmpty()
                            ? Future.succeededFuture()
                            : Future.failedFuture(new CheckpointFailedException(String.join("; ", left)));
                });
    }

    /**
     * Publishes the changes of database {@code name} on {@link Addresses#CHANGES} and on the address of the
     * change's entity. The writer calls it after each COMMIT; the changes are handed to this verticle's context,
     * which runs tasks in the order they came, so they are published in seq order, and their JSON is made there,
     * not on the writer.
     */
    private Changes.Listener publisher(String name) {
        io.vertx.core.Context ctx = context;
        return changes -> ctx.runOnContext(v -> {
            for (Changes.Change c : changes) {
                // JSON only when a consumer gets it, and one for all of them (ChangeCodec).
                ChangeCodec.Published change = new ChangeCodec.Published(c, name);
                vertx.eventBus().publish(Addresses.CHANGES, change, ChangeCodec.OPTIONS);
                vertx.eventBus().publish(Addresses.changesOf(c.entity()), change, ChangeCodec.OPTIONS);
            }
        });
    }

    private void onAlertRules(Message<Object> msg) {
        dispatch(msg, Addresses.ALERT_RULES, (action, body, reply) -> {
            switch (action) {
                case Actions.CREATE -> write(msg, workflowDb, alertRules.create(body), reply);
                case Actions.GET -> workflowDb.read(alertRules.get(body), reply);
                case Actions.LIST -> workflowDb.read(alertRules.list(body), reply);
                case Actions.DELETE -> write(msg, workflowDb, alertRules.delete(body), reply);
                default -> unknownAction(action, reply);
            }
        });
    }

    private void onFeed(Message<Object> msg) {
        dispatch(msg, Addresses.FEED, (action, body, reply) -> {
            if (Actions.GET_CURSOR.equals(action)) {
                workflowDb.read(FeedCursors.get(body), reply);
                return;
            }
            if (Actions.SET_CURSOR.equals(action)) {
                write(msg, workflowDb, FeedCursors.set(body), reply);
                return;
            }
            if (!Actions.LIST.equals(action)) {
                unknownAction(action, reply);
                return;
            }
            JsonObject query = body.copy();
            Object named = query.remove("database");
            String name = named == null ? "workflow" : named instanceof String t ? t : "";
            Database db = databases.get(name);
            if (db == null) {
                throw Fields.bad("'database' must be one of " + String.join(", ", databases.keySet()) + ", got "
                        + (named instanceof String
                                ? "'" + named + "'"
                                : "a " + named.getClass().getSimpleName()));
            }
            db.read(Changes.list(query, name), reply);
        });
    }

    private void onWorkflows(Message<Object> msg) {
        dispatch(msg, Addresses.WORKFLOWS, (action, body, reply) -> {
            switch (action) {
                case Actions.CREATE -> write(msg, workflowDb, workflows.create(body), reply);
                case Actions.UPDATE -> write(msg, workflowDb, workflows.update(body), reply);
                case Actions.PATCH -> write(msg, workflowDb, workflows.patch(body), reply);
                case Actions.GET -> workflowDb.read(workflows.get(body), reply);
                case Actions.LIST -> workflowDb.read(workflows.list(body), reply);
                case Actions.LIST_HISTORY -> workflowDb.read(workflows.history(body), reply);
                default -> unknownAction(action, reply);
            }
        });
    }

    private void onArticles(Message<Object> msg) {
        dispatch(msg, Addresses.ARTICLES, (action, body, reply) -> {
            switch (action) {
                case Actions.CREATE -> write(msg, workflowDb, articles.create(body), reply);
                case Actions.CREATE_BATCH -> write(msg, workflowDb, articles.createBatch(body), reply);
                case Actions.GET -> workflowDb.read(articles.get(body), reply);
                case Actions.LIST -> workflowDb.read(articles.list(body), reply);
                default -> unknownAction(action, reply);
            }
        });
    }

    private void onAlerts(Message<Object> msg) {
        dispatch(msg, Addresses.ALERTS, (action, body, reply) -> {
            switch (action) {
                case Actions.CREATE -> write(msg, workflowDb, alerts.create(body), reply);
                case Actions.CREATE_BATCH -> write(msg, workflowDb, alerts.createBatch(body), reply);
                case Actions.GET -> workflowDb.read(alerts.get(body), reply);
                case Actions.LIST -> workflowDb.read(alerts.list(body), reply);
                default -> unknownAction(action, reply);
            }
        });
    }

    private void onAgents(Message<Object> msg) {
        dispatch(msg, Addresses.AGENTS, (action, body, reply) -> {
            switch (action) {
                case Actions.CREATE -> write(msg, agentDb, agents.create(body), reply);
                case Actions.SET_ACTIVE -> write(msg, agentDb, agents.setActive(body), reply);
                case Actions.GET -> agentDb.read(agents.get(body), reply);
                case Actions.GET_LATEST -> agentDb.read(agents.latest(body), reply);
                case Actions.LIST_VERSIONS -> agentDb.read(agents.listVersions(body), reply);
                case Actions.LIST -> agentDb.read(agents.list(body), reply);
                default -> unknownAction(action, reply);
            }
        });
    }

    /**
     * Queues a write on {@code db}; with an idempotency key, as a {@link IdempotencyKeys.Keyed} work whose
     * fingerprint is the message's address, action and body (the body as sent, before any default).
     */
    private void write(Message<Object> msg, Database db, Work work, Reply reply) {
        String key = IdempotencyKeys.validKey(msg.headers().get(Actions.IDEMPOTENCY_KEY));
        if (key == null) {
            db.write(work, reply);
            return;
        }
        String caller = msg.headers().get(Actions.CALLER);
        String fingerprint = IdempotencyKeys.fingerprint(
                msg.address(),
                msg.headers().get(Actions.HEADER),
                msg.body() instanceof JsonObject o ? o : new JsonObject());
        IdempotencyKeys.Keyed keyed = idempotency.keyed(work, caller == null ? "bus" : caller, key, fingerprint);
        db.write(keyed, keyed.reply(reply));
    }

    private void onStore(Message<Object> msg) {
        if (msg.headers().contains(Actions.IDEMPOTENCY_KEY)) {
            new MessageReply(msg, null, 0)
                    .fail(
                            Failures.BAD_REQUEST,
                            "the admin actions take no idempotency key: a backup or a retention"
                                    + " run asked for twice finds the one running");
            return;
        }
        dispatch(msg, Addresses.STORE, (action, body, reply) -> {
            switch (action) {
                case Actions.HEALTH -> health.check().onComplete(ar -> reply.ok(ar.result()));
                case Actions.STATS -> {
                    JsonObject stats = new JsonObject();
                    databases.forEach((name, db) -> stats.put(name, db.stats()));
                    reply.ok(new JsonObject().put("databases", stats));
                }
                case Actions.BACKUP -> {
                    Fields.onlyKnown(body, java.util.Set.of("database"));
                    reply.ok(backups.begin(Fields.optionalText(body, "database", 64), "api"));
                }
                case Actions.LIST_BACKUPS -> reply.ok(backups.list());
                case Actions.GET_BACKUP -> reply.ok(backups.get(Fields.requiredText(body, "id", 64)));
                case Actions.RETENTION -> {
                    Fields.onlyKnown(body, java.util.Set.of());
                    reply.ok(retention.status());
                }
                case Actions.RUN_RETENTION -> {
                    Fields.onlyKnown(body, java.util.Set.of());
                    reply.ok(retention.begin("api"));
                }
                default -> unknownAction(action, reply);
            }
        });
    }

    @FunctionalInterface
    private interface Handler {
        void handle(String action, JsonObject body, Reply reply);
    }

    /** Every path ends in a reply or a failure with a code: an unanswered request only fails at its timeout. */
    private void dispatch(Message<Object> msg, String address, Handler handler) {
        String action = msg.headers().get(Actions.HEADER);
        Reply reply = timers == null
                ? new MessageReply(msg, null, 0)
                : new MessageReply(msg, timers.of(address, action), System.nanoTime());
        if (action == null) {
            reply.fail(Failures.BAD_REQUEST, "missing '" + Actions.HEADER + "' header");
            return;
        }
        Object body = msg.body();
        if (body != null && !(body instanceof JsonObject)) {
            reply.fail(Failures.BAD_REQUEST, "the body must be a JSON object");
            return;
        }
        try {
            handler.handle(action, body == null ? new JsonObject() : (JsonObject) body, reply);
        } catch (StoreException e) {
            reply.fail(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "store request '" + action + "' failed", e);
            reply.fail(Failures.INTERNAL, "internal error");
        }
    }

    private static void unknownAction(String action, Reply reply) {
        reply.fail(Failures.BAD_REQUEST, "unknown action '" + action + "'");
    }

    private static final DeliveryOptions REPLY = LocalJsonCodec.options();
    private static final DeliveryOptions REPLAYED = LocalJsonCodec.options().addHeader(Actions.REPLAYED, "true");

    /** {@code timers}: null without metrics; else the answer is timed from {@code startNanos}. */
    private record MessageReply(Message<Object> msg, BusTimers.Pair timers, long startNanos) implements Reply {
        @Override
        public void ok(JsonObject body) {
            ok(body, false);
        }

        @Override
        public void ok(JsonObject body, boolean replayed) {
            msg.reply(body, replayed ? REPLAYED : REPLY);
            if (timers != null) {
                timers.ok().record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void fail(int code, String message) {
            msg.fail(code, message);
            if (timers != null) {
                timers.failed().record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            }
        }
    }
}
