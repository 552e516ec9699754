package dev.agentstore.support;

import dev.agentstore.AgentStore;
import dev.agentstore.bus.StoreClient;
import dev.agentstore.config.AppConfig;
import dev.agentstore.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The real server, started on a fresh SQLite file in a temp directory, on a free port: the store
 * verticle (worker) and the HTTP verticle, as Main deploys them.
 */
public final class TestServer implements AutoCloseable {
    public final Vertx vertx;
    public final AppConfig config;
    public final AgentStore.Started started;
    public final StoreClient store;
    public final WebClient http;

    private TestServer(Vertx vertx, AppConfig config, AgentStore.Started started) {
        this.vertx = vertx;
        this.config = config;
        this.started = started;
        this.store = new StoreClient(vertx, 10_000);
        this.http = WebClient.create(
                vertx,
                new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(started.port()),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    }

    /** Starts on {@code dir}/workflow.db; {@code yaml} adds or overrides config keys. */
    public static TestServer start(Path dir, JsonObject yaml) {
        JsonObject base = new JsonObject()
                .put("http", new JsonObject().put("port", 0))
                .put(
                        "database",
                        new JsonObject()
                                .put(
                                        "workflow",
                                        new JsonObject()
                                                .put(
                                                        "path",
                                                        dir.resolve("workflow.db")
                                                                .toString())));
        AppConfig config = ConfigLoader.parse(base.mergeIn(yaml, true), Map.of(), new Properties());
        return start(config);
    }

    public static TestServer start(Path dir) {
        return start(dir, new JsonObject());
    }

    public static TestServer start(AppConfig config) {
        Vertx vertx = Vertx.vertx();
        try {
            return new TestServer(vertx, config, await(AgentStore.deploy(vertx, config)));
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** Waits for {@code f} on the test thread (never an event loop), failing the test after 30 s. */
    public static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /** Sends a request with a raw body (null for none) and waits for the response. */
    public HttpResponse<Buffer> send(HttpMethod method, String uri, String body) {
        var req = http.request(method, uri);
        return await(
                body == null
                        ? req.send()
                        : req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
    }

    public HttpResponse<Buffer> send(HttpMethod method, String uri, JsonObject body) {
        return send(method, uri, body == null ? null : body.encode());
    }

    public HttpResponse<Buffer> get(String uri) {
        return send(HttpMethod.GET, uri, (String) null);
    }

    public Path workflowDb() {
        return config.workflow().path();
    }

    @Override
    public void close() {
        try {
            await(started.stop());
        } finally {
            await(vertx.close());
        }
    }
}
