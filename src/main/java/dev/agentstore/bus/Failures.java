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
    /** A change-feed cursor older than the oldest change held: the reply names the oldest. */
    public static final int GONE = 410;
    /** The update named a version ({@code expected_version}, HTTP If-Match) that is not the stored one. */
    public static final int PRECONDITION_FAILED = 412;
    /** A batch or a field is larger than the configured limit. */
    public static final int TOO_LARGE = 413;
    /** The idempotency key was used before for another request. */
    public static final int UNPROCESSABLE = 422;
    /** Over HTTP only, with {@code http.require_if_match}: an update without If-Match. */
    public static final int PRECONDITION_REQUIRED = 428;
    /** Something failed inside the store; nothing of this request was written. */
    public static final int INTERNAL = 500;
    /** The store is busy (write queue full, no connection within pool_timeout) or not available. */
    public static final int UNAVAILABLE = 503;

    private Failures() {}
}
