package dev.agentstore.bus;

/**
 * Failure codes of the store's replies. Each equals the HTTP status it maps to, so the HTTP verticle
 * passes them through unchanged and sibling verticles can read them the same way.
 */
public final class Failures {
    /** The request is malformed: unknown action, missing or invalid field. */
    public static final int BAD_REQUEST = 400;
    /** The id names nothing. */
    public static final int NOT_FOUND = 404;
    /** The request conflicts with the stored state: a final workflow, a duplicate key. */
    public static final int CONFLICT = 409;
    /** A batch or a field is larger than the configured limit. */
    public static final int TOO_LARGE = 413;
    /** Something failed inside the store; nothing of this request was written. */
    public static final int INTERNAL = 500;
    /** The store is busy (write queue full, no connection within pool_timeout) or not available. */
    public static final int UNAVAILABLE = 503;

    private Failures() {}
}
