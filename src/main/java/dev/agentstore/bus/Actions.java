package dev.agentstore.bus;

/** Values of the {@code action} header. docs/event-bus.md lists each with its body, reply and failures. */
public final class Actions {
    public static final String HEADER = "action";

    public static final String CREATE = "create";
    public static final String GET = "get";
    public static final String UPDATE = "update";
    public static final String LIST = "list";
    public static final String LIST_HISTORY = "list-history";
    /** Many items in one request, written atomically: all of them or none. */
    public static final String CREATE_BATCH = "create-batch";

    public static final String GET_LATEST = "get-latest";
    public static final String LIST_VERSIONS = "list-versions";
    public static final String SET_ACTIVE = "set-active";

    public static final String HEALTH = "health";
    public static final String STATS = "stats";
    /** Starts a backup: body {@code {database?}}; replies with its job at once (docs/event-bus.md). */
    public static final String BACKUP = "backup";

    public static final String LIST_BACKUPS = "list-backups";
    /** One backup: body {@code {id}}. */
    public static final String GET_BACKUP = "get-backup";
    /** Retention's settings, its run in progress and its last run (docs/event-bus.md). */
    public static final String RETENTION = "retention";
    /** Starts a retention run now, unless one runs; replies with the state at once. */
    public static final String RUN_RETENTION = "run-retention";

    private Actions() {}
}
