package dev.agentstore.http;

import dev.agentstore.auth.ApiKey;
import dev.agentstore.auth.KeyRegistry;
import dev.agentstore.auth.Scope;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every route ({@link Api} puts it there): {@code Authorization: Bearer <key>} checked
 * against the {@link KeyRegistry}, before the request's body is read. No key, a malformed header or an unknown
 * key: 401 with {@code WWW-Authenticate}; a key without the route's scope: 403 naming it; a key past its rate
 * limit: 429 with {@code Retry-After}. The answers name the scope and the route (its method and path template),
 * never the key, its name or its hash. Without a keys file every caller has every scope.
 */
final class Gate {
    private static final String CALLER = "agentstore.caller";
    /** The key the request presented, when the registry knows it: let in or not. */
    private static final String IDENTIFIED = "agentstore.key";
    /** The caller when the API is open: every scope. */
    private static final Object ANYONE = new Object();

    static final String REALM = "Bearer realm=\"agent-store\"";
    private static final String SEND = "send Authorization: Bearer <key>";

    private final KeyRegistry keys;

    Gate(KeyRegistry keys) {
        this.keys = keys;
    }

    /** A gate that lets everyone in, for a router that serves nothing: the tests' list of routes. */
    static Gate anyone() {
        return new Gate(null);
    }

    /**
     * The handler for the route {@code route} ("GET /api/workflows/:id") that needs {@code scope}, or that anyone
     * may call when {@code scope} is null (a key, if one is given, must be valid all the same, and counts against
     * its rate limit).
     */
    Handler<RoutingContext> require(Scope scope, String route) {
        if (keys == null || keys.open()) {
            return ctx -> {
                ctx.put(CALLER, ANYONE);
                ctx.next();
            };
        }
        // what the route needs, for the detail of a refusal: made once, not per request
        String needs =
                scope == null ? route + " needs no key" : route + " needs an API key with scope " + scope.label();
        return ctx -> check(ctx, scope, route, needs);
    }

    /** Whether the caller of a request past its route's gate has {@code scope}. */
    static boolean allows(RoutingContext ctx, Scope scope) {
        Object caller = ctx.get(CALLER);
        return caller == ANYONE || (caller instanceof ApiKey key && key.has(scope));
    }

    /**
     * The name of the key that the gate found for the request, let in or refused for its scope or its rate (for
     * the access log), or null: no key, an unknown one, or an open API.
     */
    static String keyName(RoutingContext ctx) {
        return ctx.get(IDENTIFIED) instanceof ApiKey key ? key.name() : null;
    }

    private void check(RoutingContext ctx, Scope scope, String route, String needs) {
        List<String> given = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
        if (given.isEmpty()) {
            if (scope == null) {
                ctx.next();
            } else {
                refuse(ctx, 401, REALM, needs + ": " + SEND);
            }
            return;
        }
        if (given.size() > 1) {
            refuse(
                    ctx,
                    401,
                    REALM,
                    "the request has " + given.size() + " Authorization headers; " + needs + ": send one,"
                            + " Authorization: Bearer <key>");
            return;
        }
        String presented = bearer(given.get(0));
        if (presented == null) {
            refuse(ctx, 401, REALM, "the Authorization header is not 'Bearer <key>'; " + needs);
            return;
        }
        ApiKey key = keys.find(presented);
        if (key == null) {
            refuse(
                    ctx,
                    401,
                    REALM + ", error=\"invalid_token\"",
                    "the API key is not valid (unknown, or revoked); " + needs);
            return;
        }
        ctx.put(IDENTIFIED, key);
        if (scope != null && !key.has(scope)) {
            refuse(
                    ctx,
                    403,
                    REALM + ", error=\"insufficient_scope\", scope=\"" + scope.label() + "\"",
                    "the API key lacks scope " + scope.label() + ", which " + route + " needs");
            return;
        }
        long waitNanos = key.take();
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            ApiKey.RateLimit limit = key.limit();
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            Problems.send(
                    ctx,
                    429,
                    "the API key's rate limit (" + rate(limit.rps()) + " requests a second, a burst of " + limit.burst()
                            + ") is spent; retry in " + seconds + " s");
            return;
        }
        ctx.put(CALLER, key);
        ctx.next();
    }

    private static void refuse(RoutingContext ctx, int status, String challenge, String detail) {
        ctx.response().putHeader("WWW-Authenticate", challenge);
        Problems.send(ctx, status, detail);
    }

    /**
     * The key of {@code Bearer <key>} (the scheme in any case, RFC 9110), or null when the header is anything
     * else: another scheme, no key, or a key that is not a token68 (RFC 6750's b64token).
     */
    static String bearer(String header) {
        if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        int start = 7;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        int end = header.length();
        while (end > start && header.charAt(end - 1) == '=') {
            end--;
        }
        if (end == start) {
            return null;
        }
        for (int i = start; i < end; i++) {
            char c = header.charAt(i);
            boolean token = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == '+'
                    || c == '/';
            if (!token) {
                return null;
            }
        }
        return header.substring(start);
    }

    private static String rate(double rps) {
        return rps == Math.rint(rps) ? Long.toString((long) rps) : Double.toString(rps);
    }
}
