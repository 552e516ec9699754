package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.DatabaseConfig;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceListener;
import io.agroal.api.AgroalDataSourceMetrics;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * One SQLite database: its migrations, its pool of read connections (Agroal) with the threads that use
 * them, and its single writer. Reads run concurrently beside the writer (WAL); writes go to the writer.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Database.class.getName());
  /** Write requests and migrations wait this long for another process's lock. */
  private static final int WRITER_BUSY_TIMEOUT_MS = 10_000;
  private static final int MIGRATION_BUSY_TIMEOUT_MS = 60_000;

  private final DatabaseConfig config;
  private final AgroalDataSource pool;
  private final ThreadPoolExecutor readers;
  private final Writer writer;
  private final AtomicLong readErrors = new AtomicLong();
  private final AtomicLong connectionsReleased = new AtomicLong();
  private final AtomicLong readsRejected = new AtomicLong();

  private Database(DatabaseConfig config, AgroalDataSource pool, ThreadPoolExecutor readers, Writer writer) {
    this.config = config;
    this.pool = pool;
    this.readers = readers;
    this.writer = writer;
  }

  /**
   * Creates the directory, migrates the file to the latest schema and switches it to WAL, then opens
   * the pool and the writer. A file that is refused or whose migration fails stops here, at its last
   * good version and in its own journal mode, with a message that names the database and the cause.
   */
  public static Database open(DatabaseConfig config) throws SQLException, MigrationException {
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
    Database[] self = new Database[1];
    AgroalDataSource pool = AgroalDataSource.from(poolConfig(config), new AgroalDataSourceListener() {
      @Override
      public void onConnectionReturn(Connection connection) {
        self[0].connectionsReleased.incrementAndGet();
      }

      @Override
      public void onConnectionLeak(Connection connection, Thread thread) {
        LOG.warning("database " + config.name() + ": a connection is held by thread " + thread.getName()
            + " for longer than the leak threshold");
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
    int threads = config.maxConnections() + 2;
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor readers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(config.writerQueueCapacity()), r -> {
          Thread t = new Thread(r, "agentstore-reader-" + config.name() + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    readers.allowCoreThreadTimeOut(true);
    Writer writer = new Writer(config.name(),
        () -> Sqlite.open(file, config.synchronous(), WRITER_BUSY_TIMEOUT_MS),
        config.poolRecycleS(), config.writerBatchMax(), config.writerQueueCapacity());
    Database db = new Database(config, pool, readers, writer);
    self[0] = db;
    writer.start();
    return db;
  }

  private static AgroalDataSourceConfigurationSupplier poolConfig(DatabaseConfig config) {
    Map<Object, Object> props = Sqlite.properties(config.synchronous(), Sqlite.BUSY_TIMEOUT_MS);
    return new AgroalDataSourceConfigurationSupplier()
        .metricsEnabled(true)
        .connectionPoolConfiguration(cp -> cp
            .initialSize(config.poolSize())
            .minSize(config.poolSize())
            .maxSize(config.maxConnections())
            .acquisitionTimeout(Duration.ofSeconds(config.poolTimeoutS()))
            .maxLifetime(Duration.ofSeconds(config.poolRecycleS()))
            .reapTimeout(Duration.ofSeconds(60))
            .validationTimeout(Duration.ofSeconds(30))
            .idleValidationTimeout(Duration.ofSeconds(30))
            .leakTimeout(Duration.ofSeconds(60))
            .connectionFactoryConfiguration(cf -> {
              cf.connectionProviderClass(JDBC.class).jdbcUrl(Sqlite.url(config.path())).autoCommit(true);
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
    try (Session s = new Session(c)) {
      result = work.run(s);
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
    } catch (RuntimeException e) {
      readErrors.incrementAndGet();
      LOG.log(Level.SEVERE, "read failed in database " + config.name(), e);
      reply.fail(Failures.INTERNAL, "internal error");
      return;
    }
    reply.ok(result);
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
        .put("pool", new JsonObject()
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
            .put("reader_queue_depth", readers.getQueue().size()))
        .put("writer", w);
  }

  /** Commits what the writer holds, checkpoints the WAL into the main file, and closes everything. */
  @Override
  public void close() {
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
    try (Connection c = Sqlite.open(config.path(), config.synchronous(), Sqlite.BUSY_TIMEOUT_MS);
        var s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      LOG.warning("database " + config.name() + ": WAL checkpoint at shutdown failed: " + e.getMessage());
    }
    pool.close();
  }
}
