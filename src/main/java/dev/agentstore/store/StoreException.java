package dev.agentstore.store;

/**
 * An expected failure of a store request, with one of the {@link dev.agentstore.bus.Failures} codes and a
 * message safe to show to a client. No stack trace: these are outcomes, not bugs.
 */
public final class StoreException extends RuntimeException {
    private final int code;

    public StoreException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
