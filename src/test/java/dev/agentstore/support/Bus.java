package dev.agentstore.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** Assertions on event-bus replies. */
public final class Bus {
    private Bus() {}

    /** Asserts that {@code f} fails with a recipient failure of {@code code}; returns its message. */
    public static String failsWith(int code, Future<?> f) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> TestServer.await(f));
        ReplyException re = e instanceof ReplyException r ? r : (ReplyException) e.getCause();
        assertEquals(ReplyFailure.RECIPIENT_FAILURE, re.failureType(), re.toString());
        assertEquals(code, re.failureCode(), re.getMessage());
        return re.getMessage();
    }
}
