package dev.agentstore.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The router as the {@code *Routes} classes see it: a route is mounted with the query parameters it
 * takes, and its handler runs only after {@link Query#check} accepted them. No route can forget it.
 */
final class Api {
    private final Router router;

    Api(Router router) {
        this.router = router;
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

    private void mount(HttpMethod method, String path, Query query, Handler<RoutingContext> handler) {
        router.route(method, path).handler(query::check).handler(handler);
    }
}
