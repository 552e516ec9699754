package dev.agentstore.bus;

/** Values of the {@code action} header. docs/event-bus.md lists each with its body, reply and failures. */
public final class Actions {
    public static final String HEADER = "action";
    /**
     * Header of a write that may be retried: its idempotency key (1 to 255 printable ASCII characters). The first
     * answer is stored with the write; a retry with the key and the same body gets that answer again, with the
     * {@link #REPLAYED} header, and writes nothing (docs/event-bus.md).
     */
    public static final String IDEMPOTENCY_KEY = "idempotency-key";
    /** Header: whose idempotency keys these are; keys of one caller never answer another's. Default {@code bus}. */
    public static final String CALLER = "caller";
    /** Reply header, {@code true} on an answer replayed from an idempotency key. */
    public static final String REPLAYED = "idempotent-replayed";

    public static final String CREATE = "create";
    public static final String GET = "get";
    public static final String UPDATE = "update";
    /** A JSON Merge Patch of a workflow: body {@code {id, patch, expected_version?}}. */
    public static final String PATCH = "patch";

    public static final String LIST = "list";
    public static final String DELETE = "delete";
    public static final String GET_CURSOR = "get-cursor";
    public static final String SET_CURSOR = "set-cursor";
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
