package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.store.migration.MigrationException;
import dev.agentstore.store.migration.Migrations;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceListener;
import io.agroal.api.AgroalDataSourceMetrics;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConnection;

/**
 * One SQLite database: its migrations, its pool of read connections (Agroal) with the threads that use
 * them, and its single writer. Reads run concurrently beside the writer (WAL); writes go to the writer.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    /** Write requests and migrations wait this long for another process's lock. */
    private static final int WRITER_BUSY_TIMEOUT_MS = 10_000;

    private static final int MIGRATION_BUSY_TIMEOUT_MS = 60_000;
    /** A connection idle this long is validated (JDBC isValid) before it is handed out again. */
    private static final int IDLE_VALIDATION_S = 30;

    private final DatabaseConfig config;
    private final Path file;
    private final AgroalDataSource pool;
    private final ThreadPoolExecutor readers;
    private final Writer writer;
    /** The identity (device and inode) of the file this database opened; a change means it was replaced. */
    private final Object fileKey;
    /** The statements of each pooled connection, by the physical connection behind Agroal's wrapper. */
    private final Map<SQLiteConnection, Session> readSessions;

    private final AtomicLong connectionsReleased;
    private final AtomicLong readErrors = new AtomicLong();
    private final AtomicLong readsRejected = new AtomicLong();

    private Database(
            DatabaseConfig config,
            Path file,
            Object fileKey,
            AgroalDataSource pool,
            ThreadPoolExecutor readers,
            Writer writer,
            Map<SQLiteConnection, Session> readSessions,
            AtomicLong connectionsReleased) {
        this.config = config;
        this.file = file;
        this.fileKey = fileKey;
        this.pool = pool;
        this.readers = readers;
        this.writer = writer;
        this.readSessions = readSessions;
        this.connectionsReleased = connectionsReleased;
    }

    /**
     * Creates the directory, migrates the file to the latest schema and switches it to WAL, then opens
     * the pool and the writer. A file that is refused or whose migration fails stops here, at its last
     * good version and in its own journal mode, with a message that names the database and the cause.
     */
    public static Database open(DatabaseConfig config) throws SQLException, MigrationException {
        return open(config, Long.MAX_VALUE / 2_000_000);
    }

    /**
     * As {@link #open(DatabaseConfig)}; a write still queued {@code writeTimeoutMs} after it arrived is
     * failed and never written (its client has timed out by then and was told to retry).
     */
    public static Database open(DatabaseConfig config, long writeTimeoutMs) throws SQLException, MigrationException {
        Path file = config.path().toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (java.io.IOException e) {
            throw new MigrationException("cannot create the directory of " + file + ": " + e.getMessage());
        }
        Migrations migrations = Migrations.classpath();
        try (Connection c = Sqlite.openAsIs(file, config.synchronous(), MIGRATION_BUSY_TIMEOUT_MS)) {
            migrations.up(c, migrations.latest(), line -> LOG.info("database " + config.name() + ": " + line));
            Sqlite.useWal(c, MIGRATION_BUSY_TIMEOUT_MS);
        } catch (MigrationException | SQLException e) {
            throw new MigrationException("database " + config.name() + " (" + file + "): " + e.getMessage());
        }
        Map<SQLiteConnection, Session> readSessions = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong connectionsReleased = new AtomicLong();
        AgroalDataSource pool = AgroalDataSource.from(poolConfig(config), new AgroalDataSourceListener() {
            @Override
            public void beforeConnectionDestroy(Connection connection) {
                try {
                    Session s = readSessions.remove(connection.unwrap(SQLiteConnection.class));
                    if (s != null) {
                        s.closeStatements();
                    }
                } catch (SQLException e) {
                    LOG.fine("closing the statements of a pooled connection: " + e.getMessage());
                }
            }

            @Override
            public void onConnectionReturn(Connection connection) {
                connectionsReleased.incrementAndGet();
            }

            @Override
            public void onConnectionLeak(Connection connection, Thread thread) {
                StringBuilder where = new StringBuilder();
                for (StackTraceElement e : thread.getStackTrace()) {
                    where.append("\n\tat ").append(e);
                }
                LOG.warning("database " + config.name() + ": a connection has been held for more than "
                        + config.leakThresholdS() + " s by thread " + thread.getName() + ", now at:" + where);
            }

            @Override
            public void onWarning(String message) {
                LOG.warning("database " + config.name() + " pool: " + message);
            }

            @Override
            public void onWarning(Throwable throwable) {
                LOG.warning("database " + config.name() + " pool: " + throwable.getMessage());
            }
        });
        awaitInitialConnections(pool, config);
        int threads = readerThreads(config);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor readers = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.writerQueueCapacity()), r -> {
                    Thread t = new Thread(r, "agentstore-reader-" + config.name() + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        readers.allowCoreThreadTimeOut(true);
        Object fileKey = fileKey(file);
        Writer writer = new Writer(
                config.name(),
                () -> Sqlite.openExisting(file, config.synchronous(), WRITER_BUSY_TIMEOUT_MS),
                () -> fileProblem(file, fileKey),
                config.poolRecycleS(),
                config.writerBatchMax(),
                config.writerQueueCapacity(),
                writeTimeoutMs);
        writer.start();
        return new Database(config, file, fileKey, pool, readers, writer, readSessions, connectionsReleased);
    }

    /**
     * Reader threads: two per core, at most one per connection. The reads are short and CPU-bound; on 2
     * cores, 32 runnable readers measured slower than 4 and queued each other into the p99
     * (docs/PERFORMANCE.md). A read that waits longer than pool_timeout for a thread fails with 503.
     */
    static int readerThreads(DatabaseConfig config) {
        return Math.max(
                1, Math.min(config.maxConnections(), 2 * Runtime.getRuntime().availableProcessors()));
    }

    /** Agroal opens the initial connections in the background; the store is ready when they exist. */
    private static void awaitInitialConnections(AgroalDataSource pool, DatabaseConfig config) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.poolTimeoutS());
        while (pool.getMetrics().availableCount() + pool.getMetrics().activeCount() < config.poolSize()) {
            if (System.nanoTime() > deadline) {
                pool.close();
                throw new SQLException("database " + config.name() + ": could not open " + config.poolSize()
                        + " connections within pool_timeout (" + config.poolTimeoutS() + " s)");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Null while the file this database opened is in place; else why it is not usable. Open
     * connections keep working on a deleted or renamed file, so without this check writes would be
     * acknowledged into a file that is gone. Nothing is closed meanwhile: closing the last connection
     * would checkpoint and delete the WAL by name, which may by then belong to another file. When the
     * same file comes back (renamed back), the database is healthy again; a different file in its place
     * (a restored backup) is used after a restart, when its schema is checked and migrated.
     */
    /** {@link #fileProblem()}, checked at most every 100 ms: reads are too frequent for a stat each. */
    private String recentFileProblem() {
        long now = System.nanoTime();
        if (now - fileCheckedAt > 100_000_000L) {
            lastFileProblem = fileProblem();
            fileCheckedAt = now;
        }
        return lastFileProblem;
    }

    private volatile long fileCheckedAt = System.nanoTime();
    private volatile String lastFileProblem;

    public String fileProblem() {
        return fileProblem(file, fileKey);
    }

    private static String fileProblem(Path file, Object fileKey) {
        Object key;
        try {
            key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (java.nio.file.NoSuchFileException e) {
            return "the database file does not exist";
        } catch (java.io.IOException e) {
            return "the database file cannot be read";
        }
        if (fileKey != null && !fileKey.equals(key)) {
            return "the database file was replaced by another file; restart agent-store to open it";
        }
        return null;
    }

    private static AgroalDataSourceConfigurationSupplier poolConfig(DatabaseConfig config) {
        Map<Object, Object> props = Sqlite.existingFileProperties(config.synchronous(), Sqlite.BUSY_TIMEOUT_MS);
        return new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(true)
                .connectionPoolConfiguration(cp -> cp.initialSize(config.poolSize())
                        .minSize(config.poolSize())
                        .maxSize(config.maxConnections())
                        .acquisitionTimeout(Duration.ofSeconds(config.poolTimeoutS()))
                        .maxLifetime(Duration.ofSeconds(config.poolRecycleS()))
                        .reapTimeout(Duration.ofSeconds(config.idleTimeoutS()))
                        .idleValidationTimeout(Duration.ofSeconds(IDLE_VALIDATION_S))
                        .validationTimeout(Duration.ofSeconds(IDLE_VALIDATION_S))
                        .connectionValidator(AgroalConnectionPoolConfiguration.ConnectionValidator.defaultValidator())
                        .leakTimeout(Duration.ofSeconds(config.leakThresholdS()))
                        .connectionFactoryConfiguration(cf -> {
                            cf.connectionProviderClass(JDBC.class)
                                    .jdbcUrl(Sqlite.url(config.path()))
                                    .autoCommit(true);
                            props.forEach((k, v) -> cf.jdbcProperty(k.toString(), v.toString()));
                            return cf;
                        }));
    }

    public DatabaseConfig config() {
        return config;
    }

    public AgroalDataSource dataSource() {
        return pool;
    }

    /** Runs {@code work} on a pooled read connection on one of the reader threads. */
    public void read(Work work, Reply reply) {
        long queuedAt = System.nanoTime();
        try {
            readers.execute(() -> runRead(work, reply, queuedAt));
        } catch (RejectedExecutionException e) {
            readsRejected.incrementAndGet();
            reply.fail(Failures.UNAVAILABLE, "too many requests are waiting for the database, retry later");
        }
    }

    private void runRead(Work work, Reply reply, long queuedAt) {
        String problem = recentFileProblem();
        if (problem != null) {
            // A new connection opened on a replaced file would read the old file's WAL, found by name.
            reply.fail(Failures.UNAVAILABLE, "the database is not available: " + problem);
            return;
        }
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queuedAt);
        if (waitedMs > config.poolTimeoutS() * 1000L) {
            readsRejected.incrementAndGet();
            reply.fail(Failures.UNAVAILABLE, "no database connection became free within pool_timeout, retry later");
            return;
        }
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException e) {
            readErrors.incrementAndGet();
            reply.fail(Failures.UNAVAILABLE, "no database connection became free within pool_timeout, retry later");
            return;
        }
        JsonObject result;
        try (c) {
            result = work.run(session(c));
        } catch (StoreException e) {
            reply.fail(e.code(), e.getMessage());
            return;
        } catch (SQLException e) {
            readErrors.incrementAndGet();
            StoreException se = SqliteErrors.classify(e);
            if (se.code() == Failures.INTERNAL) {
                LOG.log(Level.SEVERE, "read failed in database " + config.name(), e);
            }
            reply.fail(se.code(), se.getMessage());
            return;
        } catch (RuntimeException | Error e) {
            readErrors.incrementAndGet();
            LOG.log(Level.SEVERE, "read failed in database " + config.name(), e);
            reply.fail(Failures.INTERNAL, "internal error");
            return;
        }
        reply.ok(result);
    }

    /**
     * The session of the physical connection behind Agroal's wrapper {@code c}. Its statements are
     * prepared on the physical connection, so Agroal does not close them when the wrapper goes back to
     * the pool; they close with the physical connection (recycled, reaped, flushed: see the listener).
     * One thread at a time holds a pooled connection, so a session is never used concurrently.
     */
    private Session session(Connection c) throws SQLException {
        SQLiteConnection physical = c.unwrap(SQLiteConnection.class);
        Session s = readSessions.get(physical);
        if (s == null) {
            s = new Session(physical);
            readSessions.put(physical, s);
        }
        return s;
    }

    /** Queues {@code work} for the writer; it runs inside a group-commit transaction. */
    public void write(Work work, Reply reply) {
        writer.submit(work, reply);
    }

    public boolean writerStuck(long stuckMs) {
        return writer.isStuck(stuckMs);
    }

    /** The Python implementation's statistic names, then the pool's and the writer's own. */
    public JsonObject stats() {
        AgroalDataSourceMetrics m = pool.getMetrics();
        JsonObject w = writer.stats();
        return new JsonObject()
                .put("connections_created", m.creationCount() + w.getLong("connections_opened"))
                .put("connections_acquired", m.acquireCount())
                .put("connections_released", connectionsReleased.get())
                .put("errors", readErrors.get() + w.getLong("requests_failed"))
                .put(
                        "pool",
                        new JsonObject()
                                .put("size", config.poolSize())
                                .put("max_overflow", config.maxOverflow())
                                .put("active", m.activeCount())
                                .put("idle", m.availableCount())
                                .put("awaiting", m.awaitingCount())
                                .put("max_used", m.maxUsedCount())
                                .put(
                                        "acquire_wait_avg_ms",
                                        m.blockingTimeAverage().toNanos() / 1e6)
                                .put("acquire_wait_max_ms", m.blockingTimeMax().toNanos() / 1e6)
                                .put("destroyed", m.destroyCount())
                                .put("reaped", m.reapCount())
                                .put("leaks_detected", m.leakDetectionCount())
                                .put("reads_rejected", readsRejected.get())
                                .put("reader_queue_depth", readers.getQueue().size()))
                .put("writer", w);
    }

    /** Commits what the writer holds, checkpoints the WAL into the main file, and closes everything. */
    @Override
    public void close() {
        String problem = fileProblem();
        if (problem != null) {
            // Closing the last connection, or a checkpoint through a new one, would apply this file's WAL
            // (found by name) to whatever file is now at the path: leave everything to the process's exit.
            LOG.warning("database " + config.name() + ": " + problem + "; stopping without a checkpoint");
            writer.abandon();
            readers.shutdownNow();
            return;
        }
        try {
            writer.stop(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.shutdown();
        try {
            readers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Connection c = Sqlite.openExisting(file, config.synchronous(), Sqlite.BUSY_TIMEOUT_MS);
                var s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            LOG.warning("database " + config.name() + ": WAL checkpoint at shutdown failed: " + e.getMessage());
        }
        pool.close();
    }
}
