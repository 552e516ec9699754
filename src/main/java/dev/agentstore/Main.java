package dev.agentstore;

import dev.agentstore.config.AppConfig;
import dev.agentstore.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * Starts agent-store: reads the configuration, deploys the store, then the HTTP API. SIGTERM and
 * SIGINT stop it cleanly: no new requests, those in flight finish, the writer flushes, exit 0.
 *
 * <p>Exit codes: 0 stopped cleanly, 1 failed to start (or to stop in time), 2 bad usage or bad configuration.
 */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) {
        Logging.install();
        if (args.length > 0 && args[0].equals("migrate")) {
            System.exit(MigrateCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        Path configFile = ConfigLoader.DEFAULT_FILE;
        boolean required = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
                required = true;
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println(usage());
                System.exit(0);
            } else {
                System.err.println("agent-store: unknown argument '" + args[i] + "'\n" + usage());
                System.exit(2);
            }
        }
        Vertx vertx = Vertx.vertx();
        AppConfig config = loadOrExit(vertx, configFile, required);
        // The main thread waits for a signal or a failed start and does the stopping itself. A callback
        // chained after vertx.close() on an event loop is scheduled on a loop that close() has just shut
        // down: it never runs (RejectedExecutionException), and the process hung on SIGTERM until killed.
        CompletableFuture<Throwable> stopRequested = new CompletableFuture<>();
        Signal.handle(new Signal("TERM"), sig -> stopRequested.complete(null));
        Signal.handle(new Signal("INT"), sig -> stopRequested.complete(null));
        Future<AgentStore.Started> deployed = AgentStore.deploy(vertx, config)
                .onSuccess(s -> LOG.info("agent-store ready on " + s.url()))
                .onFailure(stopRequested::complete);
        int code = 0;
        try {
            Throwable failure = stopRequested.get();
            if (failure != null) {
                System.err.println("agent-store: failed to start: " + failure.getMessage());
                code = 1;
            } else {
                LOG.info("agent-store stopping");
                if (deployed.succeeded()) {
                    await(deployed.result().stop(), config.http().shutdownTimeoutMs() + 60_000L);
                }
            }
            await(vertx.close(), 30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 1;
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("agent-store: shutdown did not finish cleanly: " + e);
            code = 1;
        }
        if (code == 0) {
            LOG.info("agent-store stopped");
        }
        System.exit(code);
    }

    private static void await(Future<?> f, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        f.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Loads and validates the configuration, or exits with status 2 and a message that names the key. */
    static AppConfig loadOrExit(Vertx vertx, Path file, boolean required) {
        try {
            return ConfigLoader.load(vertx, file, required)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("agent-store: bad configuration: " + cause.getMessage());
            vertx.close();
            System.exit(2);
            return null;
        }
    }

    static String usage() {
        return """
        usage: java -jar agent-store.jar [--config PATH]
               java -jar agent-store.jar migrate status|up [--to N]|down --to N [--allow-data-loss] [--dry-run]
                                                 [--config PATH] [--database NAME]
        config: conf/config.yaml by default; AGENTSTORE_* environment variables and -Dagentstore.* override it""";
    }
}
