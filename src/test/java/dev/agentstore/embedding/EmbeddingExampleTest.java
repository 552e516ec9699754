package dev.agentstore.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentstore.AgentStore;
import dev.agentstore.bus.StoreClient;
import dev.agentstore.config.AppConfig;
import dev.agentstore.config.ConfigLoader;
import dev.agentstore.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code of docs/embedding.md, compiled and run: an application deploys agent-store into the Vert.x it
 * already has. Only public API is used, from a package of its own, as an embedding application would.
 * {@link EmbeddingDocTest} checks that the document's code blocks are copied from this file.
 */
@DisplayName("Embedding agent-store into an application's own Vert.x, as docs/embedding.md shows")
class EmbeddingExampleTest {
    @TempDir
    Path dir;

    /** The application's Vert.x, which it made before agent-store was deployed into it. */
    private Vertx vertx;

    private Handler[] rootHandlers;

    @BeforeEach
    void applicationStarts() {
        vertx = Vertx.vertx();
        rootHandlers = Logger.getLogger("").getHandlers();
    }

    @AfterEach
    void applicationStops() throws Exception {
        await(vertx.close());
        assertArrayEquals(
                rootHandlers,
                Logger.getLogger("").getHandlers(),
                "the library left the application's logging as it was");
    }

    /** The configuration in code: the keys of conf/config.yaml, validated as the server validates them. */
    private AppConfig config() {
        // --8<-- config
        Path file = dir.resolve("workflow.db");
        JsonObject yaml = new JsonObject()
                .put("database", new JsonObject().put("workflow", new JsonObject().put("path", file.toString())))
                .put("http", new JsonObject().put("port", 0)); // 0: any free port
        // No AGENTSTORE_* or -Dagentstore.* overrides: pass System.getenv() and System.getProperties() to take them.
        AppConfig config = ConfigLoader.parse(yaml, Map.of(), new Properties());
        // --8<--
        return config;
    }

    @Test
    @DisplayName(
            "The store alone: a worker StoreVerticle, a workflow created and read through StoreClient, undeployed with its write on disk")
    void storeAlone() throws Exception {
        AppConfig config = config();
        // --8<-- store-alone
        // One instance, on a worker thread: it owns each database's single writer and answers on agentstore.*.
        Future<String> store = vertx.deployVerticle(
                new StoreVerticle(config), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
        // The typed client of the event-bus contract, usable from any verticle or thread of this Vert.x.
        // Its timeout: as the HTTP API's, longer than twice any pool_timeout, so the store's own 503 comes first.
        StoreClient client = new StoreClient(vertx, config.http().requestTimeoutMs());
        JsonObject request = new JsonObject().put("workflow_name", "scrape-news");
        Future<JsonObject> read = store.compose(id -> client.createWorkflow(request))
                .compose(created -> client.getWorkflow(created.getString("id")));
        // --8<--
        JsonObject workflow = await(read);
        assertEquals("scrape-news", workflow.getString("workflow_name"));
        assertEquals("pending", workflow.getString("status"));

        // --8<-- store-alone-stop
        // When the application stops: queued writes are committed, the WAL checkpointed, the pools closed.
        Future<Void> stopped = store.compose(vertx::undeploy);
        // --8<--
        await(stopped);
        ExecutionException gone =
                assertThrows(ExecutionException.class, () -> await(client.getWorkflow(workflow.getString("id"))));
        assertEquals(
                ReplyFailure.NO_HANDLERS,
                assertInstanceOf(ReplyException.class, gone.getCause()).failureType(),
                "undeployed, the store answers nothing");

        await(vertx.deployVerticle(
                new StoreVerticle(config), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
        assertEquals(
                workflow,
                await(client.getWorkflow(workflow.getString("id"))),
                "a store deployed again on the same file reads the workflow back");
    }

    @Test
    @DisplayName(
            "The store and the HTTP API: AgentStore.deploy, a workflow created over HTTP and read over the bus, then stopped in order")
    void storeWithHttp() throws Exception {
        AppConfig config = config();
        // --8<-- with-http
        // The store first, then the HTTP verticles (one per core; one with port 0), as java -jar does.
        Future<AgentStore.Started> server = AgentStore.deploy(vertx, config);
        // The application's verticles keep the event bus: the same store, without HTTP in between.
        StoreClient client = new StoreClient(vertx, config.http().requestTimeoutMs());
        // --8<--
        AgentStore.Started started = await(server);

        HttpResponse<String> created = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(started.url() + "/api/workflows"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"workflow_name\":\"scrape-news\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String id = new JsonObject(created.body()).getString("id");
        assertEquals("scrape-news", await(client.getWorkflow(id)).getString("workflow_name"));

        // --8<-- with-http-stop
        // When the application stops: the HTTP verticles first (requests in flight finish), then the store.
        Future<Void> stopped = server.compose(AgentStore.Started::stop);
        // --8<--
        await(stopped);
        assertThrows(
                ConnectException.class,
                () -> HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(started.url() + "/api/health/live"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()),
                "stopped, the HTTP port is closed");
    }

    /** Waits on the test thread, never on an event loop; a test that hangs fails after 30 s. */
    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
