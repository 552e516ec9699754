package dev.agentstore;

import dev.agentstore.auth.KeyRegistry;
import dev.agentstore.auth.KeysWatcher;
import dev.agentstore.config.AppConfig;
import dev.agentstore.http.HttpVerticle;
import dev.agentstore.metrics.Metrics;
import dev.agentstore.monitor.KeywordMonitor;
import dev.agentstore.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Deploys the server on a Vert.x instance: the API keys first (read, or the open API allowed), then the store,
 * the keys file's watcher, then the HTTP verticles, then the keyword monitor (a sibling verticle of the bus).
 */
public final class AgentStore {
    private AgentStore() {}

    /**
     * What a started server is listening on.
     *
     * @param keysDeployment the watcher of the keys file; null when there is none (the API is open)
     * @param monitorDeployment the keyword monitor; null with {@code monitor.enabled: false}
     */
    public record Started(
            Vertx vertx,
            String host,
            int port,
            String storeDeployment,
            String httpDeployment,
            String keysDeployment,
            String monitorDeployment) {
        public String url() {
            return "http://" + host + ":" + port;
        }

        /**
         * Stops in order: the HTTP verticles first (no new requests, those in flight finish), then the
         * store (the writer commits what it holds, the WAL is checkpointed, the pools close). Fails with
         * {@link dev.agentstore.store.CheckpointFailedException} when everything stopped but a database's
         * WAL could not be checkpointed: its {@code -wal} is left, and the message says where and why.
         */
        public Future<Void> stop() {
            // Not eventually(): it drops the failure of the store's undeploy, which says what stopped uncleanly.
            Future<Void> monitor = monitorDeployment == null
                    ? Future.succeededFuture()
                    : vertx.undeploy(monitorDeployment).otherwiseEmpty();
            return monitor.compose(m -> vertx.undeploy(httpDeployment))
                    .transform(http -> undeployKeys()
                            .transform(keys -> vertx.undeploy(storeDeployment))
                            .compose(
                                    v -> http.failed() ? Future.failedFuture(http.cause()) : Future.succeededFuture()));
        }

        private Future<Void> undeployKeys() {
            return keysDeployment == null ? Future.succeededFuture() : vertx.undeploy(keysDeployment);
        }
    }

    /**
     * The Vert.x that Main runs the server on: with {@code metrics.enabled}, Vert.x's HTTP server and event
     * bus report to a Prometheus registry that the store adds its own meters to and {@code GET /metrics}
     * serves; without it, a plain Vert.x, with no metrics at all. A Vert.x built otherwise has no meters.
     */
    public static Vertx vertx(AppConfig config) {
        return Metrics.vertx(config.metricsEnabled());
    }

    /**
     * Fails with a {@link dev.agentstore.config.ConfigException}, before the store opens a file, when the keys
     * file cannot be read or has a bad line, or when there is none and {@code http.host} is not a loopback
     * address (unless {@code auth.allow_anonymous}).
     */
    public static Future<Started> deploy(Vertx vertx, AppConfig config) {
        // With port 0 every instance would bind its own random port; one instance keeps one address.
        int httpInstances =
                config.http().port() == 0 ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
        List<HttpVerticle> http = new CopyOnWriteArrayList<>();
        // Blocking: it reads the keys file and resolves http.host.
        return vertx.executeBlocking(
                        () -> KeyRegistry.start(config.auth(), config.http().host()))
                .compose(keys -> vertx.deployVerticle(
                                () -> new StoreVerticle(config),
                                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
                        .compose(storeId -> watch(vertx, keys)
                                .compose(keysId -> vertx.deployVerticle(
                                                () -> {
                                                    // One registry for every instance: a reload reaches them all.
                                                    HttpVerticle v = new HttpVerticle(config.http(), keys);
                                                    http.add(v);
                                                    return v;
                                                },
                                                new DeploymentOptions().setInstances(httpInstances))
                                        .recover(err -> (keysId == null
                                                        ? Future.<Void>succeededFuture()
                                                        : vertx.undeploy(keysId))
                                                .transform(ignored -> Future.failedFuture(err)))
                                        .compose(httpId -> (config.monitorEnabled()
                                                        ? vertx.deployVerticle(new KeywordMonitor(
                                                                config.http().requestTimeoutMs()))
                                                        : Future.<String>succeededFuture(null))
                                                .map(monitorId -> new Started(
                                                        vertx,
                                                        config.http().host(),
                                                        http.get(0).actualPort(),
                                                        storeId,
                                                        httpId,
                                                        keysId,
                                                        monitorId))))
                                .recover(err ->
                                        vertx.undeploy(storeId).transform(ignored -> Future.failedFuture(err)))));
    }

    /** The watcher of the keys file, on a worker (it reads the file); none for the open API. */
    private static Future<String> watch(Vertx vertx, KeyRegistry keys) {
        return keys.open()
                ? Future.succeededFuture(null)
                : vertx.deployVerticle(
                        new KeysWatcher(keys), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
    }
}
