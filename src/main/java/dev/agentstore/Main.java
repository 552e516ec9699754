package dev.agentstore;

import dev.agentstore.auth.KeysCommand;
import dev.agentstore.config.AppConfig;
import dev.agentstore.config.ConfigException;
import dev.agentstore.config.ConfigLoader;
import dev.agentstore.config.ListenAddress;
import dev.agentstore.store.CheckpointFailedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Arrays;
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
 * <p>Exit codes: 0 stopped cleanly; 2 bad usage or a configuration that can never work (a bad value, an
 * unknown key, an {@code http.host} that does not resolve or is not an address of this machine, a keys file
 * that cannot be read or has a bad line, no keys file on an address that is not loopback); 1 failed
 * to start (or to stop in time) with a valid configuration, because of the state of the machine: a port
 * that another process holds, a database file that cannot be opened. A port in use is 1, not 2: the same
 * configuration works once the other process (often the previous instance, still stopping) lets go, so a
 * supervisor's restart is the right answer to it, and not to a 2; 3 is the JVM's own exit on OutOfMemoryError
 * ({@code -XX:+ExitOnOutOfMemoryError}, in every shipped launch); 4 stopped, every acknowledged write
 * kept, but a database's WAL could not be checkpointed into its file (a reader of another process held
 * an older snapshot through the wait, the checkpoint itself failed, or the database file was replaced):
 * its {@code -wal} is left, the next start reads it, and the one message printed says which file, its
 * size and why. The main file alone is then not a complete copy; a restart is the right answer.
 */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) {
        Logging.install();
        if (args.length > 0 && args[0].equals("migrate")) {
            System.exit(MigrateCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("backup")) {
            System.exit(BackupCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("restore")) {
            System.exit(RestoreCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(KeysCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        Path configFile = ConfigLoader.DEFAULT_FILE;
        boolean required = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--config" -> {
                        configFile = Path.of(value(args, ++i, "--config", "a path"));
                        required = true;
                    }
                    case "--help", "-h" -> {
                        System.out.println(usage());
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("agent-store: " + e.getMessage() + "\n" + usage());
            System.exit(2);
        }
        AppConfig config = null;
        try {
            config = ConfigLoader.load(configFile, required, System.getenv(), System.getProperties());
            ListenAddress.check(config.http());
        } catch (ConfigException e) {
            System.err.println("agent-store: bad configuration: " + e.getMessage());
            System.exit(2);
        }
        Vertx vertx = AgentStore.vertx(config);
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
            if (failure instanceof ConfigException bad) {
                // the keys file, or an open API on an address that is not loopback: no restart will fix it
                System.err.println("agent-store: bad configuration: " + bad.getMessage());
                code = 2;
            } else if (failure != null) {
                System.err.println("agent-store: failed to start: " + failure.getMessage());
                code = 1;
            } else {
                LOG.info("agent-store stopping");
                if (deployed.succeeded()) {
                    code = stop(deployed.result(), config.http().shutdownTimeoutMs() + 60_000L);
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

    /** 0 when every database stopped with its main file complete; 3, with what is left, when one did not. */
    private static int stop(AgentStore.Started started, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            await(started.stop(), timeoutMs);
            return 0;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CheckpointFailedException left) {
                System.err.println("agent-store: stopped, but not cleanly: " + left.getMessage());
                return 4;
            }
            throw e;
        }
    }

    private static void await(Future<?> f, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        f.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The value after {@code flag}, at {@code args[i]}. A missing one, or the next flag in its place, is a
     * usage error ("--config needs a path"), rather than a path named "--help" or an "unknown argument".
     */
    static String value(String[] args, int i, String flag, String what) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs " + what);
        }
        return args[i];
    }

    static String usage() {
        return """
        usage: java -jar agent-store.jar [--config PATH]
               java -jar agent-store.jar migrate status|up [--to N]|down --to N [--allow-data-loss] [--dry-run]
                                                 [--config PATH] [--database NAME]
               java -jar agent-store.jar backup [--database NAME] [--to DIR] [--config PATH]
               java -jar agent-store.jar restore BACKUP [--database NAME] [--config PATH]   (server stopped)
               java -jar agent-store.jar keys new --name NAME --scopes read,write,admin [--rps N] [--burst M]
        config: conf/config.yaml by default; AGENTSTORE_* environment variables and -Dagentstore.* override it""";
    }
}
