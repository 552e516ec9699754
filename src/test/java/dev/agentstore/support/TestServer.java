package dev.agentstore.support;

import dev.agentstore.AgentStore;
import dev.agentstore.bus.StoreClient;
import dev.agentstore.config.AppConfig;
import dev.agentstore.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The real server, started on a SQLite file in a directory of the test's, on a free port: the store
 * verticle (worker) and the HTTP verticle, as Main deploys them. Tests get one from {@link RealServer};
 * {@link #start} is for the tests whose subject is a start that fails.
 */
public final class TestServer implements AutoCloseable {
    static final long TIMEOUT_S = 30;

    public final Vertx vertx;
    public final AppConfig config;
    public final AgentStore.Started started;
    public final StoreClient store;
    public final WebClient http;
    private final Path dir;

    private TestServer(Path dir, Vertx vertx, AppConfig config, AgentStore.Started started) {
        this.dir = dir;
        this.vertx = vertx;
        this.config = config;
        this.started = started;
        this.store = new StoreClient(vertx, 10_000);
        // every answer a test receives through it is checked against the OpenAPI document
        this.http = Contract.validate(
                WebClient.create(
                        vertx,
                        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(started.port()),
                        new PoolOptions().setHttp1MaxSize(64)),
                vertx);
    }

    /**
     * Starts on {@code dir}/workflow.db. {@code yaml} (YAML or JSON text) adds or overrides config keys;
     * a relative {@code database.<name>.path} in it is a file under {@code dir}.
     */
    public static TestServer start(Path dir, String yaml) {
        return start(dir, yaml(yaml));
    }

    /** YAML (or JSON) text as a JsonObject; a key given twice is an error, as it is in a config file. */
    static JsonObject yaml(String text) {
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>)
                new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(text);
        // copy(): nested YAML maps become JsonObjects, as ConfigLoader reads them from a file
        return parsed == null ? new JsonObject() : new JsonObject(parsed).copy();
    }

    /** As {@link #start(Path, String)}, with the overrides as JSON. */
    public static TestServer start(Path dir, JsonObject overrides) {
        JsonObject yaml = new JsonObject()
                .put("http", new JsonObject().put("port", 0))
                .put("database", new JsonObject().put("workflow", new JsonObject().put("path", "workflow.db")))
                .mergeIn(overrides, true);
        yaml.getJsonObject("database").forEach(db -> {
            JsonObject section = (JsonObject) db.getValue();
            String path = section.getString("path");
            if (path != null) {
                section.put("path", dir.resolve(path).toString());
            }
        });
        // Backups under the test's directory too, never in the working directory.
        JsonObject backup = yaml.getJsonObject("backup", new JsonObject());
        backup.put("dir", dir.resolve(backup.getString("dir", "backups")).toString());
        yaml.put("backup", backup);
        AppConfig config = ConfigLoader.parse(yaml, Map.of(), new Properties());
        Vertx vertx = AgentStore.vertx(config);
        try {
            return new TestServer(dir, vertx, config, await(AgentStore.deploy(vertx, config)));
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    public static TestServer start(Path dir) {
        return start(dir, new JsonObject());
    }

    /** Waits for {@code f} on the test thread (never an event loop), failing the test after 30 s. */
    public static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError ae) { // an answer the OpenAPI document does not describe
                throw ae;
            }
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

    /** The directory the server's files are in. */
    public Path dir() {
        return dir;
    }

    public Path workflowDb() {
        return config.workflow().path();
    }

    /**
     * Stops the verticles in Main's order, then Vert.x. A stop that fails or hangs fails the test: a
     * store that cannot shut down would lose writes in production.
     */
    @Override
    public void close() {
        AssertionError failure = null;
        try {
            stopWithin(started::stop, "the server (HTTP, then store) did not stop");
        } catch (AssertionError e) {
            failure = e;
        }
        try {
            stopWithin(vertx::close, "Vert.x did not close");
        } catch (AssertionError e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void stopWithin(Supplier<Future<Void>> stop, String what) {
        try {
            stop.get().toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " within " + TIMEOUT_S + " s (" + dir + ")", e);
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": " + e.getCause() + " (" + dir + ")", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted (" + dir + ")", e);
        } catch (RuntimeException e) { // thrown rather than returned as a failed future, e.g. by a closed Vert.x
            throw new AssertionError(what + ": " + e + " (" + dir + ")", e);
        }
    }
}
