package dev.agentstore.http;

import dev.agentstore.auth.KeyRegistry;
import dev.agentstore.bus.StoreClient;
import dev.agentstore.config.HttpConfig;
import dev.agentstore.metrics.HttpMeters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API. Runs on an event loop (one instance per core), parses requests, calls the store over
 * the event bus through {@link StoreClient} and maps replies to HTTP. It never blocks and never
 * touches JDBC.
 */
public final class HttpVerticle extends VerticleBase {
    private final HttpConfig config;
    private final KeyRegistry keys;
    private HttpServer server;
    private Offload offload;
    private ConnectionGuard guard;
    private ChangeHub hub;

    /** {@code keys}: the API keys, one registry shared by every instance ({@code AgentStore.deploy}). */
    public HttpVerticle(HttpConfig config, KeyRegistry keys) {
        this.config = config;
        this.keys = keys;
    }

    @Override
    public Future<?> start() {
        // Blocking: it resolves http.host and lists the interfaces' addresses.
        return vertx.executeBlocking(() -> AllowedHosts.of(config)).compose(this::start);
    }

    private Future<HttpServer> start(AllowedHosts hosts) {
        StoreClient store = new StoreClient(vertx, config.requestTimeoutMs());
        Router router = Router.router(vertx);
        HttpMeters meters = HttpMeters.of(vertx).orElse(null);
        AccessLog access = new AccessLog(config.accessLog(), meters);
        access.install(router);
        offload = new Offload(vertx);
        offload.install(context);
        BodyReader bodies =
                new BodyReader(BodyBudget.of(vertx, config.maxInflightBodyBytes()), config.maxBodyBytes(), offload);
        router.route().handler(bodies::dropUnread);
        // Before anything else looks at the request: a page of a rebound name, or of another origin, gets no
        // further than its Host and Origin headers.
        router.route().handler(hosts::check);
        Cors cors = Cors.of(config.corsAllowedOrigins());
        if (cors != null) {
            router.route().handler(cors::handle);
        }
        router.route().handler(Uris::check);
        // The body is read in each route's chain, after its gate: nothing is read for a caller who is refused.
        Api api = new Api(router, new Gate(keys), bodies);
        guard = new ConnectionGuard(vertx, config);
        hub = new ChangeHub(vertx);
        if (meters != null) {
            StreamCounters c = hub.counters;
            meters.streams(c.open::get, c.pending::get, c.overflowed);
        }
        mount(
                api,
                vertx,
                store,
                new Writes(config.requireIfMatch()),
                new ChangeRoutes.Streams(hub, guard, config.streamMaxPending()));
        router.errorHandler(
                404,
                ctx -> Problems.send(ctx, 404, "no endpoint " + ctx.request().path()));
        router.errorHandler(405, ctx -> {
            ctx.response().putHeader(HttpHeaders.ALLOW, api.allowed(ctx.normalizedPath()));
            Problems.send(
                    ctx,
                    405,
                    ctx.request().method() + " is not allowed on "
                            + ctx.request().path() + "; allowed: " + api.allowed(ctx.normalizedPath()));
        });
        router.errorHandler(
                413,
                ctx -> Problems.send(ctx, 413, "the request body is larger than " + config.maxBodyBytes() + " bytes"));
        router.errorHandler(
                417, ctx -> Problems.send(ctx, 417, "the only expectation this server meets is 100-continue"));
        router.errorHandler(400, ctx -> Problems.send(ctx, 400, Problems.malformed(ctx.failure())));
        router.errorHandler(
                500,
                ctx -> Problems.fail(ctx, ctx.failure() == null ? new IllegalStateException("500") : ctx.failure()));
        if (meters != null) {
            meters.connections(guard::open);
        }
        return hub.start()
                .compose(v -> vertx.createHttpServer(options())
                        .connectionHandler(conn -> {
                            HttpVersions.install(conn);
                            guard.opened(conn);
                        })
                        .requestHandler(request -> {
                            Problems.secure(request.response());
                            RequestIds.assign(request);
                            guard.request(request);
                            router.handle(request);
                        })
                        .invalidRequestHandler(access::invalidRequest)
                        .listen()
                        .recover(err -> Future.failedFuture(new IllegalStateException(
                                "cannot listen on " + address() + " (http.host, http.port): " + err.getMessage(), err)))
                        .onSuccess(s -> {
                            server = s;
                            guard.start();
                        }));
    }

    /**
     * HTTP/1.1 only, as the Python implementation (uvicorn) served: cleartext HTTP/2 (h2c) would multiplex
     * requests on one connection, past {@link ConnectionGuard}'s one-request-at-a-time view of it.
     */
    private HttpServerOptions options() {
        return new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setHttp2ClearTextEnabled(false);
    }

    /** Every route of the API; the tests read the list from here too, to check that each refuses what it must. */
    static void mount(Api api, Vertx vertx, StoreClient store, Writes writes, ChangeRoutes.Streams streams) {
        new WorkflowRoutes(store, writes).mount(api);
        new WatchRoutes(store, streams).mount(api);
        new ChangeRoutes(vertx, store, streams).mount(api);
        new ArticleRoutes(store).mount(api);
        new AlertRoutes(store).mount(api);
        new AlertRuleRoutes(store).mount(api);
        new AgentRoutes(store, writes).mount(api);
        new HealthRoutes(vertx, store).mount(api);
        new MetricsRoutes(vertx).mount(api);
        new OpenApiRoutes().mount(api);
        new StatsRoutes(vertx).mount(api);
        new DashboardRoutes().mount(api);
        new DocsRoutes().mount(api);
        new BackupRoutes(store).mount(api);
        new RetentionRoutes(store).mount(api);
    }

    /** Every route that {@link #mount} mounts, with who may call it: for the tests, which check each one. */
    static List<Api.Mounted> routes(Vertx vertx, StoreClient store) {
        Api api = new Api(Router.router(vertx), Gate.anyone(), RoutingContext::next);
        mount(api, vertx, store, new Writes(false), new ChangeRoutes.Streams(null, null, 1));
        return api.routes();
    }

    /** Stops accepting connections and lets requests in flight finish, up to the shutdown timeout. */
    @Override
    public Future<?> stop() {
        // The streams first: they are answered until someone ends them, so a shutdown would wait for them.
        Future<Void> streams = hub == null ? Future.succeededFuture() : hub.stop();
        Future<Void> stopped = streams.transform(v -> server == null
                ? Future.succeededFuture()
                : server.shutdown(config.shutdownTimeoutMs(), TimeUnit.MILLISECONDS));
        return stopped.eventually(() -> {
            if (guard != null) {
                guard.stop();
            }
            return offload == null ? Future.succeededFuture() : offload.close();
        });
    }

    /** host:port as a client would write it, with an IPv6 address in brackets. */
    private String address() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return host + ":" + config.port();
    }

    public int actualPort() {
        return server.actualPort();
    }
}
