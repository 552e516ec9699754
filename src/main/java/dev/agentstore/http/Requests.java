package dev.agentstore.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/** Parsing of what arrives over HTTP; the store validates the fields themselves. */
final class Requests {
    private Requests() {}

    /** The body as a JSON object, or a 400 that says why it is not one. */
    static JsonObject jsonBody(RoutingContext ctx) {
        Buffer buf = ctx.body().buffer();
        if (buf == null || buf.length() == 0) {
            throw new Problems.BadRequest("the request body is empty; send a JSON object");
        }
        Object value;
        try {
            value = Json.decodeValue(buf);
        } catch (DecodeException e) {
            throw new Problems.BadRequest("the request body is not valid JSON");
        }
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

    /** A query parameter that must be a whole number, when present. */
    private static void intParam(RoutingContext ctx, String name, JsonObject into) {
        String raw = singleParam(ctx, name);
        if (raw == null) {
            return;
        }
        try {
            into.put(name, Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
            throw new Problems.BadRequest("query parameter '" + name + "' must be a whole number, got '" + raw + "'");
        }
    }

    /** The page of a list: {@code limit} and {@code offset}, whole numbers; the store checks their range. */
    static void pageParams(RoutingContext ctx, JsonObject into) {
        intParam(ctx, "limit", into);
        intParam(ctx, "offset", into);
    }

    /** A query parameter that must be true or false, when present. */
    static void boolParam(RoutingContext ctx, String name, JsonObject into) {
        String raw = singleParam(ctx, name);
        if (raw == null) {
            return;
        }
        switch (raw.trim()) {
            case "true" -> into.put(name, true);
            case "false" -> into.put(name, false);
            default ->
                throw new Problems.BadRequest(
                        "query parameter '" + name + "' must be true or false, got '" + raw + "'");
        }
    }

    static void stringParam(RoutingContext ctx, String name, JsonObject into) {
        String raw = singleParam(ctx, name);
        if (raw != null) {
            into.put(name, raw);
        }
    }

    private static String singleParam(RoutingContext ctx, String name) {
        var all = ctx.queryParam(name);
        if (all.size() > 1) {
            throw new Problems.BadRequest("query parameter '" + name + "' is given more than once");
        }
        return all.isEmpty() ? null : all.get(0);
    }

    /** The body of a request whose path names {@code field}; the same field in the body would be ambiguous. */
    static JsonObject withoutPathField(JsonObject body, String field) {
        if (body.containsKey(field)) {
            throw new Problems.BadRequest(
                    "the " + field + " is taken from the path; remove '" + field + "' from the body");
        }
        return body;
    }

    /** Refuses query parameters the endpoint does not know, so that a typo is not silently ignored. */
    static void onlyParams(RoutingContext ctx, java.util.Set<String> allowed) {
        for (String name : ctx.queryParams().names()) {
            if (!allowed.contains(name)) {
                throw new Problems.BadRequest("unknown query parameter '" + name + "'; allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }
}
