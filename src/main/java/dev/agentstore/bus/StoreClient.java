package dev.agentstore.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The typed client of the store's event-bus contract, used by the HTTP verticle and by sibling
 * verticles. A failed future carries a {@link io.vertx.core.eventbus.ReplyException}: a RECIPIENT_FAILURE
 * has one of the {@link Failures} codes; a TIMEOUT or NO_HANDLERS means the store is unavailable.
 *
 * <p>Bodies travel with {@link LocalJsonCodec}, without a copy: do not change a body after sending it.
 * A reply is the caller's own.
 */
public final class StoreClient {
    private final Vertx vertx;
    private final long timeoutMs;

    public StoreClient(Vertx vertx, long timeoutMs) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
        LocalJsonCodec.register(vertx);
    }

    /** Creates a workflow: body {@code {workflow_name, initial_data?}}; replies with the workflow. */
    public Future<JsonObject> createWorkflow(JsonObject body) {
        return request(Addresses.WORKFLOWS, Actions.CREATE, body);
    }

    /** As above, with an idempotency key: body {@code {id?, workflow_name, initial_data?}}. */
    public Future<Answer> createWorkflow(JsonObject body, WriteOptions options) {
        return write(Addresses.WORKFLOWS, Actions.CREATE, body, options);
    }

    /** Replies with the workflow {@code id}, or fails with 404. */
    public Future<JsonObject> getWorkflow(String id) {
        return request(Addresses.WORKFLOWS, Actions.GET, new JsonObject().put("id", id));
    }

    /** Changes workflow {@code id}: body {@code {status?, current_step?, data?, error_message?}}. */
    public Future<JsonObject> updateWorkflow(String id, JsonObject changes) {
        return request(Addresses.WORKFLOWS, Actions.UPDATE, changes.copy().put("id", id));
    }

    /** As above, with an idempotency key; {@code changes} may hold {@code expected_version} (412 on a mismatch). */
    public Future<Answer> updateWorkflow(String id, JsonObject changes, WriteOptions options) {
        return write(Addresses.WORKFLOWS, Actions.UPDATE, changes.copy().put("id", id), options);
    }

    /**
     * Applies a JSON Merge Patch (RFC 7396) to workflow {@code id}: null clears current_step, error_message or a
     * key of data. {@code expectedVersion}: null, or the version the patch was made against (412 if it changed).
     */
    public Future<Answer> patchWorkflow(String id, JsonObject patch, Long expectedVersion, WriteOptions options) {
        JsonObject body = new JsonObject().put("id", id).put("patch", patch);
        if (expectedVersion != null) {
            body.put("expected_version", expectedVersion);
        }
        return write(Addresses.WORKFLOWS, Actions.PATCH, body, options);
    }

    /**
     * Lists workflows newest first: query {@code {status?, limit?, offset? | page_token?}}; replies
     * {@code {workflows, count, limit, offset?, next_page_token}}.
     */
    public Future<JsonObject> listWorkflows(JsonObject query) {
        return request(Addresses.WORKFLOWS, Actions.LIST, query);
    }

    /** Replies {@code {workflow_id, history: [...]}}, oldest first: all of it. */
    public Future<JsonObject> workflowHistory(String id) {
        return workflowHistory(id, new JsonObject());
    }

    /**
     * A page of the history when {@code query} holds {@code limit} or {@code page_token} (or {@code offset}):
     * replies {@code {workflow_id, history, next_page_token}}; all of it otherwise.
     */
    public Future<JsonObject> workflowHistory(String id, JsonObject query) {
        return request(Addresses.WORKFLOWS, Actions.LIST_HISTORY, query.copy().put("id", id));
    }

    /**
     * Creates an article, or ignores it when its id is known: body {@code {id?, url, title?, content?}};
     * replies {@code {id, inserted, article}} with the article as stored.
     */
    public Future<JsonObject> createArticle(JsonObject article) {
        return request(Addresses.ARTICLES, Actions.CREATE, article);
    }

    /** As above, with an idempotency key. */
    public Future<Answer> createArticle(JsonObject article, WriteOptions options) {
        return write(Addresses.ARTICLES, Actions.CREATE, article, options);
    }

    /**
     * Creates a batch of articles atomically: body {@code {articles: [...]}}, at most
     * {@code limits.max_batch_items}; replies {@code {inserted: [ids], ignored: [ids]}}.
     */
    public Future<JsonObject> createArticles(JsonObject batch) {
        return request(Addresses.ARTICLES, Actions.CREATE_BATCH, batch);
    }

    /** As above, with an idempotency key. */
    public Future<Answer> createArticles(JsonObject batch, WriteOptions options) {
        return write(Addresses.ARTICLES, Actions.CREATE_BATCH, batch, options);
    }

    /** Replies with the article {@code id}, or fails with 404. */
    public Future<JsonObject> getArticle(String id) {
        return request(Addresses.ARTICLES, Actions.GET, new JsonObject().put("id", id));
    }

    /** Lists articles newest first: query {@code {url?, limit?, offset? | page_token?}}. */
    public Future<JsonObject> listArticles(JsonObject query) {
        return request(Addresses.ARTICLES, Actions.LIST, query);
    }

    /** Creates an alert: body {@code {title, message?, source_url?}}; replies with the alert and its id. */
    public Future<JsonObject> createAlert(JsonObject alert) {
        return request(Addresses.ALERTS, Actions.CREATE, alert);
    }

    /** As above, with an idempotency key. */
    public Future<Answer> createAlert(JsonObject alert, WriteOptions options) {
        return write(Addresses.ALERTS, Actions.CREATE, alert, options);
    }

    /** Creates a batch of alerts atomically: body {@code {alerts: [...]}}; replies {@code {inserted: [ids], ignored: []}}. */
    public Future<JsonObject> createAlerts(JsonObject batch) {
        return request(Addresses.ALERTS, Actions.CREATE_BATCH, batch);
    }

    /** As above, with an idempotency key. */
    public Future<Answer> createAlerts(JsonObject batch, WriteOptions options) {
        return write(Addresses.ALERTS, Actions.CREATE_BATCH, batch, options);
    }

    /** Replies with the alert {@code id}, or fails with 404. */
    public Future<JsonObject> getAlert(long id) {
        return request(Addresses.ALERTS, Actions.GET, new JsonObject().put("id", id));
    }

    /** Lists alerts newest first: query {@code {limit?, offset? | page_token?}}. */
    public Future<JsonObject> listAlerts(JsonObject query) {
        return request(Addresses.ALERTS, Actions.LIST, query);
    }

    /**
     * Creates a keyword alert rule: body {@code {name?, keywords: [1..100 strings], match?: title|content|both}};
     * replies with the rule {@code {id, name, keywords, match, created_at, created_seq, deleted_at, deleted_seq}}.
     */
    public Future<Answer> createAlertRule(JsonObject rule, WriteOptions options) {
        return write(Addresses.ALERT_RULES, Actions.CREATE, rule, options);
    }

    /** Replies with the rule {@code id} (a deleted one too), or fails with 404. */
    public Future<JsonObject> getAlertRule(long id) {
        return request(Addresses.ALERT_RULES, Actions.GET, new JsonObject().put("id", id));
    }

    /**
     * Lists the rules in force by id: query {@code {include_deleted?, limit?, offset? | page_token?}}; replies
     * {@code {rules, count, limit, offset?, next_page_token}}.
     */
    public Future<JsonObject> listAlertRules(JsonObject query) {
        return request(Addresses.ALERT_RULES, Actions.LIST, query);
    }

    /** Deletes the rule {@code id}: replies with it, deleted_seq set; 404 when it does not exist or is deleted. */
    public Future<Answer> deleteAlertRule(long id, WriteOptions options) {
        return write(Addresses.ALERT_RULES, Actions.DELETE, new JsonObject().put("id", id), options);
    }

    /** The cursor of the feed's consumer {@code consumer}: {@code {consumer, seq, updated_at}}, seq 0 when new. */
    public Future<JsonObject> getCursor(String consumer) {
        return request(Addresses.FEED, Actions.GET_CURSOR, new JsonObject().put("consumer", consumer));
    }

    /** Stores the cursor of {@code consumer}: the last change it handled. */
    public Future<JsonObject> setCursor(String consumer, long seq) {
        return request(
                Addresses.FEED,
                Actions.SET_CURSOR,
                new JsonObject().put("consumer", consumer).put("seq", seq));
    }

    /**
     * The change feed, oldest first: query {@code {after?, limit?, entity?, database?}}; replies {@code {changes,
     * count, next, oldest, latest, database}}; fails with 410 when {@code after} is older than the oldest change held.
     */
    public Future<JsonObject> listChanges(JsonObject query) {
        return request(Addresses.FEED, Actions.LIST, query);
    }

    /**
     * Saves a new, active version of an agent: body {@code {agent_name, version, code, description?,
     * created_by?}}; replies with the version, code left out; fails with 409 when the version exists.
     */
    public Future<JsonObject> saveAgentVersion(JsonObject version) {
        return request(Addresses.AGENTS, Actions.CREATE, version);
    }

    /** As above, with an idempotency key. */
    public Future<Answer> saveAgentVersion(JsonObject version, WriteOptions options) {
        return write(Addresses.AGENTS, Actions.CREATE, version, options);
    }

    /** Replies with one version of an agent, code included, or fails with 404. */
    public Future<JsonObject> getAgentVersion(String agentName, String version) {
        return request(
                Addresses.AGENTS,
                Actions.GET,
                new JsonObject().put("agent_name", agentName).put("version", version));
    }

    /** Replies with the agent's newest active version, code included, or fails with 404 when it has none. */
    public Future<JsonObject> latestAgentVersion(String agentName) {
        return request(Addresses.AGENTS, Actions.GET_LATEST, new JsonObject().put("agent_name", agentName));
    }

    /**
     * Lists an agent's versions newest first: query {@code {include_code?, limit?, offset? | page_token?}}; replies
     * {@code {agent_name, versions, count, limit, offset?, next_page_token}}; fails with 404 when the agent has no version.
     */
    public Future<JsonObject> listAgentVersions(String agentName, JsonObject query) {
        return request(Addresses.AGENTS, Actions.LIST_VERSIONS, query.copy().put("agent_name", agentName));
    }

    /** Lists agents by name: query {@code {limit?, offset? | page_token?}}; each {@code {agent_name, version_count, latest_version}}. */
    public Future<JsonObject> listAgents(JsonObject query) {
        return request(Addresses.AGENTS, Actions.LIST, query);
    }

    /**
     * Activates or deactivates one version: body {@code {is_active: boolean}}; replies with the version,
     * code left out. Deactivating the latest version rolls the agent back to its previous active one.
     */
    public Future<JsonObject> setAgentVersionActive(String agentName, String version, JsonObject change) {
        return setAgentVersionActive(agentName, version, change, WriteOptions.NONE)
                .map(Answer::body);
    }

    /** As above, with an idempotency key; {@code change} may hold {@code expected_row_version} (412 on a mismatch). */
    public Future<Answer> setAgentVersionActive(
            String agentName, String version, JsonObject change, WriteOptions options) {
        return write(
                Addresses.AGENTS,
                Actions.SET_ACTIVE,
                change.copy().put("agent_name", agentName).put("version", version),
                options);
    }

    /** Health of every database; replies even when degraded (see {@code status}). */
    public Future<JsonObject> health() {
        return request(Addresses.STORE, Actions.HEALTH, new JsonObject());
    }

    /** Statistics of every database's pool and writer. */
    public Future<JsonObject> stats() {
        return request(Addresses.STORE, Actions.STATS, new JsonObject());
    }

    /** Starts a backup of every database, or of {@code {database}}: replies with its job ({@code state: running}). */
    public Future<JsonObject> backup(JsonObject body) {
        return request(Addresses.STORE, Actions.BACKUP, body);
    }

    /** The backups: {@code {dir, running, last_failure, backups: [manifest, ...]}}, newest first. */
    public Future<JsonObject> listBackups() {
        return request(Addresses.STORE, Actions.LIST_BACKUPS, new JsonObject());
    }

    /** One backup's manifest, or its job while it runs or when it failed last. */
    public Future<JsonObject> getBackup(String id) {
        return request(Addresses.STORE, Actions.GET_BACKUP, new JsonObject().put("id", id));
    }

    /** Retention: {@code {enabled, database, days, interval_s, batch_rows, running, last_run}}. */
    public Future<JsonObject> retention() {
        return request(Addresses.STORE, Actions.RETENTION, new JsonObject());
    }

    /** Starts a retention run now (or finds the one running): replies with the state at once. */
    public Future<JsonObject> runRetention() {
        return request(Addresses.STORE, Actions.RUN_RETENTION, new JsonObject());
    }

    /** Sends a write with its {@link WriteOptions}; the answer says whether it was replayed from its key. */
    public Future<Answer> write(String address, String action, JsonObject body, WriteOptions options) {
        DeliveryOptions delivery =
                LocalJsonCodec.options().setSendTimeout(timeoutMs).addHeader(Actions.HEADER, action);
        options.addTo(delivery);
        return vertx.eventBus().<JsonObject>request(address, body, delivery).map(Answer::of);
    }

    /** Sends {@code action} to {@code address}; for actions this class has no method for yet. */
    public Future<JsonObject> request(String address, String action, JsonObject body) {
        DeliveryOptions options =
                LocalJsonCodec.options().setSendTimeout(timeoutMs).addHeader(Actions.HEADER, action);
        return vertx.eventBus().<JsonObject>request(address, body, options).map(Message::body);
    }
}
