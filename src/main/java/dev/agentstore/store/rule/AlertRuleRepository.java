package dev.agentstore.store.rule;

import dev.agentstore.bus.Failures;
import dev.agentstore.store.Changes;
import dev.agentstore.store.Fields;
import dev.agentstore.store.Page;
import dev.agentstore.store.Rows;
import dev.agentstore.store.Session;
import dev.agentstore.store.StoreException;
import dev.agentstore.store.Timestamps;
import dev.agentstore.store.Work;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keyword alert rules (docs/api.md, "Alert rules"): which keywords the keyword monitor looks for in new articles,
 * in their title, their content or both, case-insensitively. A rule is created and deleted, never changed; a
 * deleted rule stays in the table, marked with the seq of its deletion, so that a consumer that replays the feed
 * knows which rules applied to each article (those whose {@code created_seq < seq < deleted_seq}).
 */
public final class AlertRuleRepository {
    public static final int MAX_KEYWORDS = 100;
    public static final int MAX_KEYWORD_CHARS = 200;

    private static final Set<String> CREATE_FIELDS = Set.of("name", "keywords", "match");
    private static final Set<String> ID = Set.of("id");
    private static final Set<String> LIST_FIELDS = Set.of("limit", "offset", "page_token", "include_deleted");
    private static final List<String> MATCHES = List.of("title", "content", "both");

    /** Write: a rule; replies with it, its created_seq included. */
    public Work create(JsonObject body) {
        Fields.onlyKnown(body, CREATE_FIELDS);
        String name = Fields.optionalText(body, "name", Fields.SHORT_TEXT);
        List<String> keywords = keywords(body);
        String match = match(body);
        String keywordsText = new JsonArray(new ArrayList<>(keywords)).encode();
        boolean title = !match.equals("content");
        boolean content = !match.equals("title");
        return s -> {
            String now = Timestamps.now();
            s.update(s.prepare(AlertRuleSql.INSERT, name, keywordsText, title ? 1 : 0, content ? 1 : 0, now));
            long id = s.lastInsertRowid();
            JsonObject rule = json(id, name, new JsonArray(new ArrayList<>(keywords)), match, now, null, null, null);
            long seq = Changes.recordNow(s, Changes.ALERT_RULE, Long.toString(id), "created", now, rule, null);
            s.update(s.prepare(AlertRuleSql.SET_CREATED_SEQ, seq, id));
            return rule.copy().put("created_seq", seq);
        };
    }

    /** Read: one rule (a deleted one too, with its deleted_at), or 404. */
    public Work get(JsonObject body) {
        long id = id(body);
        return s -> find(s, id);
    }

    /** Write: marks the rule deleted; replies with it. 404 for a rule that does not exist or is deleted. */
    public Work delete(JsonObject body) {
        long id = id(body);
        return s -> {
            JsonObject rule = find(s, id);
            if (rule.getValue("deleted_seq") != null) {
                throw notFound(id);
            }
            String now = Timestamps.now();
            long seq = Changes.recordNow(
                    s,
                    Changes.ALERT_RULE,
                    Long.toString(id),
                    "deleted",
                    now,
                    rule.copy().put("deleted_at", now),
                    null);
            s.update(s.prepare(AlertRuleSql.DELETE, now, seq, id));
            return rule.put("deleted_at", now).put("deleted_seq", seq);
        };
    }

    /** Read: the rules in force by id, or with {@code include_deleted} every rule ever made. */
    public Work list(JsonObject body) {
        Fields.onlyKnown(body, LIST_FIELDS);
        boolean all = Boolean.TRUE.equals(Fields.optionalBoolean(body, "include_deleted"));
        JsonObject pageBody = body.copy();
        pageBody.remove("include_deleted");
        Page page = (all ? AlertRuleSql.LIST_ALL : AlertRuleSql.LIST).page(pageBody);
        return s -> page.list(s, "rules", AlertRuleRepository::row);
    }

    private static List<String> keywords(JsonObject body) {
        Object v = body.getValue("keywords");
        if (v == null) {
            throw Fields.bad("'keywords' is required: an array of 1 to " + MAX_KEYWORDS + " strings");
        }
        if (!(v instanceof JsonArray a) || a.isEmpty() || a.size() > MAX_KEYWORDS) {
            throw Fields.bad("'keywords' must be an array of 1 to " + MAX_KEYWORDS + " strings");
        }
        Set<String> seen = new LinkedHashSet<>();
        Set<String> folded = new LinkedHashSet<>();
        for (int i = 0; i < a.size(); i++) {
            JsonObject one = new JsonObject().put("keywords[" + i + "]", a.getValue(i));
            String k = Fields.optionalText(one, "keywords[" + i + "]", MAX_KEYWORD_CHARS);
            if (k == null) {
                throw Fields.bad("'keywords[" + i + "]' must be a string");
            }
            if (!folded.add(k.toLowerCase(Locale.ROOT))) {
                throw Fields.bad("'keywords' holds '" + k + "' twice (keywords match whatever their case)");
            }
            seen.add(k);
        }
        return List.copyOf(seen);
    }

    private static String match(JsonObject body) {
        Object v = body.getValue("match");
        if (v == null) {
            return "both";
        }
        if (!(v instanceof String m) || !MATCHES.contains(m)) {
            throw Fields.bad("'match' must be one of title, content, both");
        }
        return m;
    }

    private static long id(JsonObject body) {
        Fields.onlyKnown(body, ID);
        return Fields.requiredLong(body, "id");
    }

    private static JsonObject find(Session s, long id) throws SQLException {
        return Rows.one(s.prepare(AlertRuleSql.SELECT_BY_ID, id), AlertRuleRepository::row, () -> notFound(id));
    }

    private static StoreException notFound(long id) {
        return new StoreException(Failures.NOT_FOUND, "alert rule " + id + " does not exist");
    }

    private static JsonObject json(
            long id,
            String name,
            JsonArray keywords,
            String match,
            String createdAt,
            Long createdSeq,
            String deletedAt,
            Long deletedSeq) {
        return new JsonObject()
                .put("id", id)
                .put("name", name)
                .put("keywords", keywords)
                .put("match", match)
                .put("created_at", createdAt)
                .put("created_seq", createdSeq)
                .put("deleted_at", deletedAt)
                .put("deleted_seq", deletedSeq);
    }

    private static JsonObject row(ResultSet rs) throws SQLException {
        boolean title = rs.getInt(4) != 0;
        boolean content = rs.getInt(5) != 0;
        long createdSeq = rs.getLong(7);
        Long created = rs.wasNull() ? null : createdSeq;
        long deletedSeq = rs.getLong(9);
        Long deleted = rs.wasNull() ? null : deletedSeq;
        return json(
                rs.getLong(1),
                rs.getString(2),
                new JsonArray(rs.getString(3)),
                title && content ? "both" : title ? "title" : "content",
                rs.getString(6),
                created,
                rs.getString(8),
                deleted);
    }
}
