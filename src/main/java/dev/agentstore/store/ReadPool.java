package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.DatabaseConfig;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceMetrics;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.sqlite.SQLiteConnection;

/**
 * The read side of one database: Agroal's pool of read connections, the reader threads that use them
 * (a bounded queue in front: {@code reader_queue_capacity}), and the prepared statements each connection
 * keeps. Reads run concurrently, beside the writer (WAL).
 */
final class ReadPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReadPool.class.getName());
    private static final String NO_CONNECTION = "no database connection became free within pool_timeout, retry later";

    private final DatabaseConfig config;
    private final DatabaseFile file;
    private final AgroalDataSource pool;
    private final ReadPoolListener listener;
    /** The statements of each pooled connection, by the physical connection behind Agroal's wrapper. */
    private final Map<SQLiteConnection, Session> sessions;

    private final ThreadPoolExecutor readers;
    private final AtomicLong readErrors = new AtomicLong();
    private final AtomicLong readsRejected = new AtomicLong();

    private ReadPool(DatabaseConfig config, DatabaseFile file, Map<SQLiteConnection, Session> sessions)
            throws SQLException {
        this.config = config;
        this.file = file;
        this.sessions = sessions;
        this.listener = new ReadPoolListener(config.name(), config.leakThresholdS(), sessions);
        this.pool = AgroalDataSource.from(ReadPoolConfiguration.of(config), listener);
        awaitInitialConnections();
        int threads = readerThreads(config);
        AtomicInteger n = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.readerQueueCapacity()), r -> {
                    Thread t = new Thread(r, "agentstore-reader-" + config.name() + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        readers.allowCoreThreadTimeOut(true);
    }

    /** Opens the pool; returns once its {@code pool_size} connections exist. */
    static ReadPool open(DatabaseConfig config, DatabaseFile file) throws SQLException {
        return new ReadPool(config, file, new ConcurrentHashMap<>());
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
    private void awaitInitialConnections() throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.poolTimeoutS());
        while (pool.getMetrics().availableCount() + pool.getMetrics().activeCount() < config.poolSize()) {
            if (System.nanoTime() > deadline) {
                pool.close();
                throw new SQLException("database " + config.name() + ": could not open " + config.poolSize()
                        + " connections within pool_timeout (" + config.poolTimeoutS() + " s)");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    AgroalDataSource dataSource() {
        return pool;
    }

    /** Runs {@code work} on a pooled connection on one of the reader threads; a full queue is 503 at once. */
    void read(Work work, Reply reply) {
        long queuedAt = System.nanoTime();
        try {
            readers.execute(() -> run(work, reply, queuedAt));
        } catch (RejectedExecutionException e) {
            readsRejected.incrementAndGet();
            reply.fail(Failures.UNAVAILABLE, "too many requests are waiting for the database, retry later");
        }
    }

    private void run(Work work, Reply reply, long queuedAt) {
        String problem = file.recentProblem();
        if (problem != null) {
            // A new connection opened on a replaced file would read the old file's WAL, found by name.
            reply.fail(Failures.UNAVAILABLE, "the database is not available: " + problem);
            return;
        }
        if (System.nanoTime() - queuedAt > TimeUnit.SECONDS.toNanos(config.poolTimeoutS())) {
            readsRejected.incrementAndGet();
            reply.fail(Failures.UNAVAILABLE, NO_CONNECTION);
            return;
        }
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException e) {
            readErrors.incrementAndGet();
            reply.fail(Failures.UNAVAILABLE, NO_CONNECTION);
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
        Session s = sessions.get(physical);
        if (s == null) {
            s = new Session(physical);
            sessions.put(physical, s);
        }
        return s;
    }

    long connectionsCreated() {
        return pool.getMetrics().creationCount();
    }

    long connectionsAcquired() {
        return pool.getMetrics().acquireCount();
    }

    long connectionsReleased() {
        return listener.released();
    }

    long errors() {
        return readErrors.get();
    }

    /** Agroal's counters and gauges: thread-safe reads of its own. */
    AgroalDataSourceMetrics metrics() {
        return pool.getMetrics();
    }

    long readsRejected() {
        return readsRejected.get();
    }

    int readerQueueDepth() {
        return readers.getQueue().size();
    }

    /** The {@code pool} object of the statistics. */
    JsonObject stats() {
        AgroalDataSourceMetrics m = pool.getMetrics();
        return new JsonObject()
                .put("size", config.poolSize())
                .put("max_overflow", config.maxOverflow())
                .put("active", m.activeCount())
                .put("idle", m.availableCount())
                .put("awaiting", m.awaitingCount())
                .put("max_used", m.maxUsedCount())
                .put("acquire_wait_avg_ms", m.blockingTimeAverage().toNanos() / 1e6)
                .put("acquire_wait_max_ms", m.blockingTimeMax().toNanos() / 1e6)
                .put("destroyed", m.destroyCount())
                .put("reaped", m.reapCount())
                .put("leaks_detected", m.leakDetectionCount())
                .put("reads_rejected", readsRejected.get())
                .put("reader_queue_depth", readers.getQueue().size());
    }

    /** Lets the queued reads finish (at most 10 s), then closes the connections. */
    @Override
    public void close() {
        readers.shutdown();
        try {
            readers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    /** Stops the reader threads and leaves the connections open: for a file that is gone (see DatabaseFile). */
    void abandon() {
        readers.shutdownNow();
    }
}
