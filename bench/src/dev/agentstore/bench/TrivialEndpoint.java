package dev.agentstore.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Ceiling 2: the cheapest request the server's shape allows. An HTTP verticle per core (vertx-web
 * Router, as the server) answers {@code GET /api/ping/:id} by sending one event-bus request to a
 * consumer that replies a small JsonObject, and writes it as JSON. No database, no blocking.
 *
 * <p>usage: TrivialEndpoint PORT [event-loop|worker]: where the consumer runs ({@code event-loop} by
 * default; {@code worker} is the server's StoreVerticle threading model, for comparison).
 */
public final class TrivialEndpoint {
    static final String ADDRESS = "bench.trivial";

    private TrivialEndpoint() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        boolean worker = args.length > 1 && args[1].equals("worker");
        Vertx vertx = Vertx.vertx();
        int instances = Runtime.getRuntime().availableProcessors();
        vertx.deployVerticle(
                        new Consumer(),
                        new DeploymentOptions()
                                .setThreadingModel(worker ? ThreadingModel.WORKER : ThreadingModel.EVENT_LOOP))
                .compose(id ->
                        vertx.deployVerticle(() -> new Http(port), new DeploymentOptions().setInstances(instances)))
                .onSuccess(id -> System.out.println("trivial endpoint ready on port " + port + ", consumer on "
                        + (worker ? "a worker" : "an event loop")))
                .onFailure(err -> {
                    err.printStackTrace();
                    System.exit(1);
                });
    }

    static final class Consumer extends VerticleBase {
        @Override
        public Future<?> start() {
            return vertx.eventBus()
                    .<JsonObject>consumer(ADDRESS, Consumer::reply)
                    .completion();
        }

        private static void reply(Message<JsonObject> msg) {
            msg.reply(new JsonObject().put("id", msg.body().getString("id")).put("status", "ok"));
        }
    }

    static final class Http extends VerticleBase {
        private final int port;

        Http(int port) {
            this.port = port;
        }

        @Override
        public Future<?> start() {
            Router router = Router.router(vertx);
            router.get("/api/ping/:id")
                    .handler(ctx -> vertx.eventBus()
                            .<JsonObject>request(ADDRESS, new JsonObject().put("id", ctx.pathParam("id")))
                            .onSuccess(m -> ctx.response()
                                    .putHeader("Content-Type", "application/json")
                                    .end(m.body().toBuffer()))
                            .onFailure(err -> ctx.response().setStatusCode(500).end()));
            return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
        }
    }
}
