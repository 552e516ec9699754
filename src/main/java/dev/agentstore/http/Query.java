package dev.agentstore.http;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.TreeMap;

/**
 * The query parameters a route takes, each with its type. {@link Api} puts {@link #check} in front of
 * every route, so that an unknown or repeated parameter, or one of the wrong type, is a 400 naming it
 * before the request reaches the store, on every route alike (docs/api.md). The store checks ranges.
 */
final class Query {
    private enum Type {
        TEXT,
        BOOLEAN,
        WHOLE_NUMBER
    }

    private static final String PARSED = "agentstore.query";

    /** A route that takes no query parameter. */
    static final Query NONE = new Query(new TreeMap<>());

    /** The page of a list: {@code limit} and {@code offset}, whole numbers, or the {@code page_token} of a page. */
    static final Query PAGE = NONE.with("limit", Type.WHOLE_NUMBER)
            .with("offset", Type.WHOLE_NUMBER)
            .with("page_token", Type.TEXT);

    /** Sorted, for the list of allowed names in a 400. */
    private final TreeMap<String, Type> params;

    private Query(TreeMap<String, Type> params) {
        this.params = params;
    }

    /** This query and a text parameter {@code name}. */
    Query text(String name) {
        return with(name, Type.TEXT);
    }

    /** This query and a parameter {@code name} that is true or false. */
    Query bool(String name) {
        return with(name, Type.BOOLEAN);
    }

    /** This query and a parameter {@code name} that is a whole number. */
    Query whole(String name) {
        return with(name, Type.WHOLE_NUMBER);
    }

    private Query with(String name, Type type) {
        TreeMap<String, Type> more = new TreeMap<>(params);
        more.put(name, type);
        return new Query(more);
    }

    /**
     * The route handler that refuses a request whose query this route does not take, and otherwise keeps
     * the parameters, typed, for {@link #parsed} and goes on to the route.
     */
    void check(RoutingContext ctx) {
        // Most requests have no query string: skip the decoding of the URI that queryParams() does.
        MultiMap given = ctx.request().query() == null ? null : ctx.queryParams();
        if (given != null && !given.isEmpty()) {
            JsonObject parsed = new JsonObject();
            try {
                for (String name : given.names()) {
                    parsed.put(name, parse(name, given.getAll(name)));
                }
            } catch (Problems.BadRequest e) {
                Problems.fail(ctx, e);
                return;
            }
            ctx.put(PARSED, parsed);
        }
        ctx.next();
    }

    /** The query parameters that {@link #check} accepted, typed: {@code {"limit": 10, "url": "..."}}. */
    static JsonObject parsed(RoutingContext ctx) {
        JsonObject parsed = ctx.get(PARSED);
        return parsed == null ? new JsonObject() : parsed;
    }

    private Object parse(String name, List<String> values) {
        Type type = params.get(name);
        if (type == null) {
            throw new Problems.BadRequest("unknown query parameter '" + name + "'; "
                    + (params.isEmpty()
                            ? "this endpoint takes no query parameters"
                            : "allowed: " + String.join(", ", params.keySet())));
        }
        if (values.size() > 1) {
            throw new Problems.BadRequest("query parameter '" + name + "' is given more than once");
        }
        String raw = values.get(0);
        return switch (type) {
            case TEXT -> raw;
            case BOOLEAN -> bool(name, raw);
            case WHOLE_NUMBER -> wholeNumber(name, raw);
        };
    }

    private static boolean bool(String name, String raw) {
        return switch (raw.trim()) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new Problems.BadRequest(
                        "query parameter '" + name + "' must be true or false, got '" + raw + "'");
        };
    }

    private static long wholeNumber(String name, String raw) {
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new Problems.BadRequest("query parameter '" + name + "' must be a whole number, got '" + raw + "'");
        }
    }
}
