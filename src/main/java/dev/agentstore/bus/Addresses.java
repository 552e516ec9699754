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
    /** The store as a whole: health and statistics. */
    public static final String STORE = "agentstore.store";

    private Addresses() {}
}
