package dev.agentstore.bus;

/** Event-bus addresses of the store. Each takes JSON bodies and an {@code action} header. */
public final class Addresses {
    /** Workflow runs and their status history. */
    public static final String WORKFLOWS = "agentstore.workflows";
    /** Scraped web pages: insert-or-ignore by id, one or a batch. */
    public static final String ARTICLES = "agentstore.articles";
    /** Keyword alerts, one or a batch. */
    public static final String ALERTS = "agentstore.alerts";
    /** Versions of generated agents' code; in the agent_versions database when configured. */
    public static final String AGENTS = "agentstore.agents";
    /**
     * Published, never sent to: every committed change, in commit order, after its COMMIT (docs/event-bus.md,
     * "Changes"). The body is a change as {@link #FEED} lists it.
     */
    public static final String CHANGES = "agentstore.changes";
    /** The change feed, read from the change table: action {@code list} (docs/event-bus.md). */
    public static final String FEED = "agentstore.feed";
    /** The store as a whole: health and statistics. */
    public static final String STORE = "agentstore.store";

    private Addresses() {}
}
