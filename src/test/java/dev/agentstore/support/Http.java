package dev.agentstore.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Assertions on HTTP responses. */
public final class Http {
    private Http() {}

    /** Asserts a JSON response of {@code status}; returns its body. */
    public static JsonObject json(int status, HttpResponse<Buffer> r) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        assertEquals("application/json", r.getHeader("Content-Type"));
        return r.bodyAsJsonObject();
    }

    /** Asserts an application/problem+json response of {@code status}; returns its detail. */
    public static String problem(int status, HttpResponse<Buffer> r) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        assertEquals("application/problem+json", r.getHeader("Content-Type"));
        JsonObject body = r.bodyAsJsonObject();
        assertEquals(status, body.getInteger("status"));
        return body.getString("detail");
    }
}
