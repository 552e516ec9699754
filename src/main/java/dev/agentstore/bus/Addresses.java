package dev.agentstore.bus;

/** Event-bus addresses of the store. Each takes JSON bodies and an {@code action} header. */
public final class Addresses {
    /** Workflow runs and their status history. */
    public static final String WORKFLOWS = "agentstore.workflows";
    /** Scraped web pages: insert-or-ignore by id, one or a batch. */
    public static final String ARTICLES = "agentstore.articles";
    /** Keyword alerts, one or a batch. */
    public static final String ALERTS = "agentstore.alerts";
    /** Keyword alert rules, which the keyword monitor applies to new articles: create, get, list, delete. */
    public static final String ALERT_RULES = "agentstore.alert_rules";
    /** Versions of generated agents' code; in the agent_versions database when configured. */
    public static final String AGENTS = "agentstore.agents";
    /**
     * Published, never sent to: every committed change, in commit order, after its COMMIT (docs/event-bus.md,
     * "Changes"). The body is a change as {@link #FEED} lists it.
     */
    public static final String CHANGES = "agentstore.changes";
    /** The same changes, of one entity only ({@code agentstore.changes.article}), for a consumer of one kind. */
    public static String changesOf(String entity) {
        return CHANGES + "." + entity;
    }
    /**
     * The change feed, read from the change table: action {@code list}; and the consumers' cursors: {@code
     * get-cursor}, {@code set-cursor} (docs/event-bus.md).
     */
    public static final String FEED = "agentstore.feed";
    /** The store as a whole: health and statistics. */
    public static final String STORE = "agentstore.store";

    private Addresses() {}
}
