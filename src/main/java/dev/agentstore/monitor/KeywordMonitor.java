package dev.agentstore.monitor;

import dev.agentstore.bus.Addresses;
import dev.agentstore.bus.Failures;
import dev.agentstore.bus.StoreClient;
import dev.agentstore.bus.WriteOptions;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The keyword monitor (docs/api.md, "Alert rules"): the first sibling verticle, written only against the public
 * event-bus contract ({@link StoreClient}, {@link Addresses}), as any other verticle of a user's would be.
 *
 * <p>It follows the workflow database's change feed from its own cursor, kept in the store ({@code get-cursor},
 * {@code set-cursor} on {@code agentstore.feed}, consumer {@value #CONSUMER}). For each article inserted after
 * the cursor it applies every rule in force at that article's seq (a rule applies to the articles whose seq lies
 * between its {@code created_seq} and its {@code deleted_seq}, so a replay applies the same rules), and for each
 * keyword a rule finds in the article's title or content, case-insensitively, as the Python Analyzer did, it
 * writes an alert shaped as the Python implementation wrote them: title {@code Keyword Detected}, message
 * {@code Keyword 'LLM' detected in <the article's title>}, source_url the article's url.
 *
 * <p>Exactly one alert per (rule, keyword, article), across kill -9 and restart: every alert is written with an
 * idempotency key made from the three, so a change handled again after a crash (its alerts written, the cursor
 * not yet moved past it) finds its alerts' first answers and writes nothing. The cursor is stored after the
 * alerts of a page are written, so what is handled again with alerts to write is at most one page, well inside
 * the keys' retention ({@code retention.idempotency_keys_s}); pages without any alert move it only every
 * {@value #STORE_EVERY} changes (no write per page of articles that match nothing).
 *
 * <p>It reads the feed in pages of articles; a publication on {@code agentstore.changes.article} or {@code
 * agentstore.changes.alert_rule} wakes it, and so does a timer, since publications are best-effort. A failure
 * (the store busy, a 503) is retried after a pause that doubles up to 30 s; nothing is skipped.
 */
public final class KeywordMonitor extends AbstractVerticle {
    public static final String CONSUMER = "keyword-monitor";
    /** Articles a read: a change holds the whole article (content up to limits.max_field_bytes), so few. */
    static final int PAGE = 50;
    /** Alerts written at once: enough for the writer to batch them, few enough to leave room for others. */
    static final int IN_FLIGHT = 32;

    static final long POLL_MS = 5_000;
    static final long STORE_EVERY = 10_000;
    static final long MAX_BACKOFF_MS = 30_000;

    private static final Logger LOG = Logger.getLogger(KeywordMonitor.class.getName());

    private final long timeoutMs;
    private StoreClient store;
    private final List<MessageConsumer<Object>> wakers = new ArrayList<>();
    private long poll = -1;
    private boolean running;
    private boolean again;
    private boolean stopped;
    private long backoffMs;

    /** The last change handled, once the stored cursor was read; and the last one stored. */
    private Long cursor;

    private long stored;
    /** Every rule ever made (deleted ones too, with their deleted_seq), and the last rule change they include. */
    private List<Rule> rules;

    private long rulesSeen;

    record Rule(
            long id,
            List<String> keywords,
            List<String> folded,
            boolean title,
            boolean content,
            long created,
            Long deleted) {
        boolean appliesAt(long seq) {
            return created < seq && (deleted == null || seq < deleted);
        }

        static Rule of(JsonObject r) {
            List<String> keywords = new ArrayList<>();
            r.getJsonArray("keywords").forEach(k -> keywords.add((String) k));
            String match = r.getString("match");
            Long created = r.getLong("created_seq");
            return new Rule(
                    r.getLong("id"),
                    List.copyOf(keywords),
                    keywords.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList(),
                    !match.equals("content"),
                    !match.equals("title"),
                    created == null ? Long.MAX_VALUE : created,
                    r.getLong("deleted_seq"));
        }
    }

    /** {@code timeoutMs}: how long one bus request may take (the server's http.request_timeout_ms). */
    public KeywordMonitor(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void start(Promise<Void> started) {
        store = new StoreClient(vertx, timeoutMs);
        for (String entity : List.of("article", "alert_rule")) {
            wakers.add(vertx.eventBus().consumer(Addresses.changesOf(entity), msg -> wake()));
        }
        poll = vertx.setPeriodic(POLL_MS, id -> wake());
        Future.all(wakers.stream().map(MessageConsumer::completion).toList()).onComplete(ar -> {
            wake();
            started.handle(ar.mapEmpty());
        });
    }

    @Override
    public void stop() {
        stopped = true;
        vertx.cancelTimer(poll);
        wakers.forEach(MessageConsumer::unregister);
    }

    /** Something may have changed: run now, or again after the run in progress. */
    private void wake() {
        if (stopped) {
            return;
        }
        if (running) {
            again = true;
            return;
        }
        running = true;
        again = false;
        run().onComplete(ar -> {
            running = false;
            if (ar.failed()) {
                backoffMs = backoffMs == 0 ? 500 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                LOG.warning("keyword monitor: " + ar.cause().getMessage() + "; trying again in " + backoffMs + " ms");
                vertx.setTimer(backoffMs, id -> wake());
                return;
            }
            backoffMs = 0;
            if (again || Boolean.TRUE.equals(ar.result())) {
                wake();
            }
        });
    }

    /** Handles one page of articles after the cursor; true when a full page came (there may be more). */
    private Future<Boolean> run() {
        Future<Long> at = cursor != null
                ? Future.succeededFuture(cursor)
                : store.getCursor(CONSUMER).map(c -> {
                    stored = c.getLong("seq");
                    return stored;
                });
        return at.compose(after -> store.listChanges(
                        new JsonObject().put("after", after).put("limit", PAGE).put("entity", "article"))
                .recover(err -> tooOld(err, after))
                .compose(page -> rulesUpTo(page).compose(v -> handle(after, page))));
    }

    /** A cursor older than the feed's retention: the articles between were never seen. Go on from the oldest. */
    private Future<JsonObject> tooOld(Throwable err, long after) {
        if (err instanceof ReplyException r && r.failureCode() == Failures.GONE) {
            return store.listChanges(new JsonObject().put("limit", 1)).compose(any -> {
                long oldest = any.getLong("oldest", 1L);
                LOG.warning("keyword monitor: its cursor " + after + " is older than the change feed holds (oldest "
                        + oldest + "); articles before it were not checked");
                return store.listChanges(new JsonObject()
                        .put("after", oldest - 1)
                        .put("limit", PAGE)
                        .put("entity", "article"));
            });
        }
        return Future.failedFuture(err);
    }

    /**
     * The rules, reread when a rule changed since they were read: every rule change with a seq below the page's
     * last article is committed when the page is read (seqs are given in commit order), so after this read the
     * rules know every rule that applies to the page.
     */
    private Future<Void> rulesUpTo(JsonObject page) {
        if (page.getJsonArray("changes").isEmpty() && rules != null) {
            return Future.succeededFuture();
        }
        return store.listChanges(new JsonObject()
                        .put("after", rulesSeen)
                        .put("limit", 1000)
                        .put("entity", "alert_rule"))
                .recover(err -> {
                    if (err instanceof ReplyException r && r.failureCode() == Failures.GONE) {
                        // rule changes were purged since: read them all again, from the oldest change held
                        return store.listChanges(new JsonObject().put("limit", 1))
                                .map(any -> new JsonObject()
                                        .put("changes", new JsonArray().add(new JsonObject()))
                                        .put("next", any.getLong("oldest", 1L) - 1));
                    }
                    return Future.failedFuture(err);
                })
                .compose(changed -> {
                    if (rules != null && changed.getJsonArray("changes").isEmpty()) {
                        return Future.succeededFuture();
                    }
                    // The table holds every rule ever made with the seqs of its creation and deletion: read whole.
                    long seen = past(changed, rulesSeen, 1000);
                    return allRules(new ArrayList<>(), null).map(all -> {
                        rules = all;
                        rulesSeen = seen;
                        return null;
                    });
                });
    }

    /**
     * The cursor after {@code page} of one entity: its last seq, or, for a page that is not full, the feed's latest
     * seq: the store reads the bounds before the page, and seqs commit in order, so every change of the entity up to
     * that latest is in the page. Without it, a read of articles in a feed of workflows would walk every workflow
     * change after the last article each time.
     */
    private static long past(JsonObject page, long after, int limit) {
        long next = page.getLong("next", after);
        Long latest = page.getLong("latest");
        return page.getJsonArray("changes").size() < limit && latest != null ? Math.max(next, latest) : next;
    }

    private Future<List<Rule>> allRules(List<Rule> into, String token) {
        JsonObject query = new JsonObject().put("include_deleted", true).put("limit", 1000);
        if (token != null) {
            query.put("page_token", token);
        }
        return store.listAlertRules(query).compose(page -> {
            page.getJsonArray("rules").forEach(r -> into.add(Rule.of((JsonObject) r)));
            String next = page.getString("next_page_token");
            return next == null ? Future.succeededFuture(into) : allRules(into, next);
        });
    }

    /** Writes the page's alerts, then moves the cursor past the page. */
    private Future<Boolean> handle(long after, JsonObject page) {
        JsonArray changes = page.getJsonArray("changes");
        List<JsonObject> alerts = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            JsonObject change = changes.getJsonObject(i);
            if (!"inserted".equals(change.getString("kind"))) {
                continue;
            }
            long seq = change.getLong("seq");
            JsonObject article = change.getJsonObject("data");
            for (Rule rule : rules) {
                if (!rule.appliesAt(seq)) {
                    continue;
                }
                for (int k = 0; k < rule.keywords().size(); k++) {
                    if (matches(rule, rule.folded().get(k), article)) {
                        alerts.add(alert(rule.keywords().get(k), article));
                        keys.add(key(rule.id(), rule.keywords().get(k), article.getString("id")));
                    }
                }
            }
        }
        long next = past(page, after, PAGE);
        // Stored after alerts were written (so that they are not looked at again), and every STORE_EVERY changes:
        // a page without any is read again after a restart, which costs a read and writes nothing.
        boolean store = next > after && (!alerts.isEmpty() || next - stored >= STORE_EVERY);
        return write(alerts, keys, 0)
                .compose(v -> store ? this.store.setCursor(CONSUMER, next) : Future.succeededFuture())
                .map(v -> {
                    cursor = next;
                    if (store) {
                        stored = next;
                    }
                    return changes.size() == PAGE;
                });
    }

    /** The alerts from {@code from} on, {@link #IN_FLIGHT} at a time. */
    private Future<Void> write(List<JsonObject> alerts, List<String> keys, int from) {
        if (from >= alerts.size() || stopped) {
            return stopped && from < alerts.size() ? Future.failedFuture("stopping") : Future.succeededFuture();
        }
        int to = Math.min(alerts.size(), from + IN_FLIGHT);
        List<Future<?>> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            batch.add(store.createAlert(alerts.get(i), WriteOptions.key(keys.get(i))));
        }
        return Future.all(batch).compose(v -> write(alerts, keys, to));
    }

    static boolean matches(Rule rule, String folded, JsonObject article) {
        return (rule.title() && contains(article.getString("title"), folded))
                || (rule.content() && contains(article.getString("content"), folded));
    }

    private static boolean contains(String text, String folded) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(folded);
    }

    /** As the Python implementation wrote them; an article without a title is named by its url. */
    static JsonObject alert(String keyword, JsonObject article) {
        String title = article.getString("title");
        return new JsonObject()
                .put("title", "Keyword Detected")
                .put(
                        "message",
                        "Keyword '" + keyword + "' detected in " + (title != null ? title : article.getString("url")))
                .put("source_url", article.getString("url"));
    }

    /** {@code keyword-monitor:} and the SHA-256 of rule, keyword and article: the same on every replay. */
    static String key(long rule, String keyword, String article) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((rule + "\u0000" + keyword + "\u0000" + article).getBytes(StandardCharsets.UTF_8));
            return CONSUMER + ":" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
