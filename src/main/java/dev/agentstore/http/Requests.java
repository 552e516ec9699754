package dev.agentstore.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/** Parsing of request bodies; {@link Query} parses query parameters, the store validates the fields themselves. */
final class Requests {
    /** The body as {@link BodyReader} left it: its bytes, or the outcome of their decoding on a worker. */
    private static final String BODY = "agentstore.body";

    private Requests() {}

    static void body(RoutingContext ctx, Object bytesOrDecoded) {
        ctx.put(BODY, bytesOrDecoded);
    }

    /** Whether the request sent a body of at least one byte (a large one is decoded by the time it is read). */
    static boolean hasBody(RoutingContext ctx) {
        Object body = ctx.get(BODY);
        return body instanceof Buffer b ? b.length() > 0 : body != null;
    }

    /**
     * The body as a JSON object, or a 400 that says why it is not one: decoded by {@link StrictJson}, so that
     * invalid UTF-8, unpaired surrogates, numbers that do not fit and repeated keys are refused.
     */
    static JsonObject jsonBody(RoutingContext ctx) {
        Object body = ctx.get(BODY);
        if (body instanceof AsyncResult<?> decoded) {
            if (decoded.failed()) {
                throw decoded.cause() instanceof RuntimeException e ? e : new IllegalStateException(decoded.cause());
            }
            return (JsonObject) decoded.result();
        }
        return decode((Buffer) body);
    }

    /** As {@link #jsonBody}, where the body may be left out: no body is an empty object. */
    static JsonObject optionalJsonBody(RoutingContext ctx) {
        Object body = ctx.get(BODY);
        return body instanceof Buffer buf && buf.length() == 0 || body == null ? new JsonObject() : jsonBody(ctx);
    }

    /** {@code buf} as a JSON object, or a 400 that says why it is not one. */
    static JsonObject decode(Buffer buf) {
        if (buf == null || buf.length() == 0) {
            throw new Problems.BadRequest("the request body is empty; send a JSON object");
        }
        Object value = StrictJson.decode(buf.getBytes());
        if (!(value instanceof JsonObject obj)) {
            throw new Problems.BadRequest("the request body must be a JSON object");
        }
        return obj;
    }

    /**
     * POST of one item or of a batch: the body goes to {@code batch} when it holds {@code batchField}
     * (as in {@code {"articles": [...]}}), else to {@code one}; a body that is not a JSON object is a 400.
     */
    static void oneOrBatch(
            RoutingContext ctx, String batchField, Consumer<JsonObject> one, Consumer<JsonObject> batch) {
        JsonObject body;
        try {
            body = jsonBody(ctx);
        } catch (Problems.BadRequest e) {
            Problems.fail(ctx, e);
            return;
        }
        (body.containsKey(batchField) ? batch : one).accept(body);
    }

    /** The body of a request whose path names {@code field}; the same field in the body would be ambiguous. */
    static JsonObject withoutPathField(JsonObject body, String field) {
        if (body.containsKey(field)) {
            throw new Problems.BadRequest(
                    "the " + field + " is taken from the path; remove '" + field + "' from the body");
        }
        return body;
    }
}
