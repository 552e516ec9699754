package dev.agentstore.http;

import dev.agentstore.auth.Scope;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The router as the {@code *Routes} classes see it. Every route is mounted with who may call it and the query
 * parameters it takes, and runs, in this order: the {@link Gate} (401, 403, 429), for a POST, PUT or PATCH
 * {@link ContentTypes} (415) and the {@link BodyReader} (so that no body is read for a caller who is refused), {@link Query#check}, then its
 * handler. No route can forget one of them.
 *
 * <p>Who may call a route follows from its method: a GET (or HEAD) needs {@link Scope#READ}, a POST, PUT or PATCH
 * {@link Scope#WRITE} (a DELETE too). A route that needs no key, or {@link Scope#ADMIN}, says so where it is mounted:
 * {@code api.open().get(...)}, {@code api.admin().get(...)}.
 */
final class Api {
    /** Who may call a route. */
    enum Access {
        OPEN(null),
        READ(Scope.READ),
        WRITE(Scope.WRITE),
        ADMIN(Scope.ADMIN);

        /** The scope it needs; null for none. */
        final Scope scope;

        Access(Scope scope) {
            this.scope = scope;
        }
    }

    /** A route as it was mounted: for the tests, which check that each refuses whom it must. */
    record Mounted(HttpMethod method, String path, Access access) {}

    private final Router router;
    private final Gate gate;
    private final Handler<RoutingContext> body;
    private final List<Mounted> mounted;
    /** Null: by the method, READ for a GET, WRITE for the others. */
    private final Access access;

    Api(Router router, Gate gate, Handler<RoutingContext> body) {
        this(router, gate, body, new ArrayList<>(), null);
    }

    private Api(Router router, Gate gate, Handler<RoutingContext> body, List<Mounted> mounted, Access access) {
        this.router = router;
        this.gate = gate;
        this.body = body;
        this.mounted = mounted;
        this.access = access;
    }

    /** The same router, for routes that anyone may call: health probes. */
    Api open() {
        return new Api(router, gate, body, mounted, Access.OPEN);
    }

    /** The same router, for routes that need {@link Scope#ADMIN}: the server's own state and actions. */
    Api admin() {
        return new Api(router, gate, body, mounted, Access.ADMIN);
    }

    void get(String path, Query query, Handler<RoutingContext> handler) {
        mount(HttpMethod.GET, path, query, handler);
    }

    void post(String path, Query query, Handler<RoutingContext> handler) {
        mount(HttpMethod.POST, path, query, handler);
    }

    void put(String path, Query query, Handler<RoutingContext> handler) {
        mount(HttpMethod.PUT, path, query, handler);
    }

    void patch(String path, Query query, Handler<RoutingContext> handler) {
        mount(HttpMethod.PATCH, path, query, handler);
    }

    void delete(String path, Query query, Handler<RoutingContext> handler) {
        mount(HttpMethod.DELETE, path, query, handler);
    }

    /** A PATCH whose 415 advertises {@code acceptPatch} (RFC 5789), as the patch types it takes. */
    void patch(String path, String acceptPatch, Query query, Handler<RoutingContext> handler) {
        mount(HttpMethod.PATCH, path, query, handler, acceptPatch);
    }

    /** Every route mounted so far, with who may call it. */
    List<Mounted> routes() {
        return List.copyOf(mounted);
    }

    /**
     * The methods that routes of {@code path} (a request's normalized path) take, HEAD beside GET, in the order
     * they were mounted: the {@code Allow} header of a 405. Only a 405 asks, so it need not be fast.
     */
    String allowed(String path) {
        Set<String> methods = new LinkedHashSet<>();
        String[] segments = path.split("/");
        for (Mounted m : mounted) {
            if (matches(m.path().split("/"), segments)) {
                methods.add(m.method().name());
                if (m.method() == HttpMethod.GET) {
                    methods.add(HttpMethod.HEAD.name());
                }
            }
        }
        return String.join(", ", methods);
    }

    /** Whether a path's segments fit a template's: each the same, or any non-empty text for a {@code :param}. */
    private static boolean matches(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            boolean param = template[i].startsWith(":") && !segments[i].isEmpty();
            if (!param && !template[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    private void mount(HttpMethod method, String path, Query query, Handler<RoutingContext> handler) {
        mount(method, path, query, handler, ContentTypes.JSON);
    }

    private void mount(
            HttpMethod method, String path, Query query, Handler<RoutingContext> handler, String acceptPatch) {
        boolean reads = method == HttpMethod.GET || method == HttpMethod.HEAD;
        Access who = access != null ? access : reads ? Access.READ : Access.WRITE;
        mounted.add(new Mounted(method, path, who));
        if (method == HttpMethod.GET) {
            // HEAD runs the GET's chain; Vert.x sends the head of its answer (Content-Length included) and no body
            router.route(HttpMethod.HEAD, path)
                    .handler(gate.require(who.scope, "HEAD " + path))
                    .handler(query::check)
                    .handler(handler);
        }
        var route = router.route(method, path).handler(gate.require(who.scope, method + " " + path));
        if (!reads) {
            // after the gate: no body is read for a caller it refuses, nor one that is not JSON. A DELETE takes
            // none: whatever it sends is read (within the bounds) and refused by its route with 400.
            if (method != HttpMethod.DELETE) {
                route.handler(ctx -> ContentTypes.check(ctx, acceptPatch));
            }
            route.handler(body);
        }
        if (who == Access.ADMIN && !reads) {
            route.handler(Api::noIdempotencyKey);
        }
        route.handler(query::check).handler(handler);
    }

    /** An admin action asked for twice finds the one running; a key would promise what it does not keep. */
    private static void noIdempotencyKey(RoutingContext ctx) {
        if (ctx.request().headers().contains(Writes.IDEMPOTENCY_KEY)) {
            Problems.send(
                    ctx,
                    400,
                    "the admin actions take no Idempotency-Key: a backup or a retention run asked for twice finds"
                            + " the one running");
        } else {
            ctx.next();
        }
    }
}
