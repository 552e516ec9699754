package dev.agentstore;

import dev.agentstore.config.AppConfig;
import dev.agentstore.http.HttpVerticle;
import dev.agentstore.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Deploys the server on a Vert.x instance: the store first, then the HTTP verticles. */
public final class AgentStore {
    private AgentStore() {}

    /** What a started server is listening on. */
    public record Started(Vertx vertx, String host, int port, String storeDeployment, String httpDeployment) {
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
            return vertx.undeploy(httpDeployment)
                    .transform(http -> vertx.undeploy(storeDeployment)
                            .compose(
                                    v -> http.failed() ? Future.failedFuture(http.cause()) : Future.succeededFuture()));
        }
    }

    public static Future<Started> deploy(Vertx vertx, AppConfig config) {
        // With port 0 every instance would bind its own random port; one instance keeps one address.
        int httpInstances =
                config.http().port() == 0 ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
        List<HttpVerticle> http = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(
                        () -> new StoreVerticle(config),
                        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
                .compose(storeId -> vertx.deployVerticle(
                                () -> {
                                    HttpVerticle v = new HttpVerticle(config.http());
                                    http.add(v);
                                    return v;
                                },
                                new DeploymentOptions().setInstances(httpInstances))
                        .recover(err -> vertx.undeploy(storeId).transform(ignored -> Future.failedFuture(err)))
                        .map(httpId -> new Started(
                                vertx, config.http().host(), http.get(0).actualPort(), storeId, httpId)));
    }
}
