package dev.agentstore.store;

import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.store.migration.MigrationException;
import dev.agentstore.store.migration.Migrations;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;

/**
 * One SQLite database: its file ({@link DatabaseFile}), its pool of read connections with the threads
 * that use them ({@link ReadPool}), and its single writer ({@link GroupCommitWriter}). Reads run
 * concurrently beside the writer (WAL); writes go to the writer.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    /** Write requests wait this long for another process's lock. */
    private static final int WRITER_BUSY_TIMEOUT_MS = 10_000;
    /** Another process starting on the same file may hold the lock through all of its migrations. */
    private static final int MIGRATION_BUSY_TIMEOUT_MS = 60_000;
    /** Shutdown waits this long for the writer to commit what is queued. */
    private static final long WRITER_STOP_MS = 30_000;

    private final DatabaseConfig config;
    private final DatabaseFile file;
    private final ReadPool reads;
    private final GroupCommitWriter writer;

    private Database(DatabaseConfig config, DatabaseFile file, ReadPool reads, GroupCommitWriter writer) {
        this.config = config;
        this.file = file;
        this.reads = reads;
        this.writer = writer;
    }

    /**
     * Creates the directory, migrates the file to the latest schema and switches it to WAL, then opens
     * the pool and the writer. A file that is refused or whose migration fails stops here, at its last
     * good version and in its own journal mode, with a message that names the database and the cause.
     */
    public static Database open(DatabaseConfig config) throws SQLException, MigrationException {
        Path path = config.path().toAbsolutePath();
        migrate(config, path);
        DatabaseFile file;
        try {
            file = DatabaseFile.open(path, config.synchronous());
        } catch (SQLException e) {
            throw new SQLException("database " + config.name() + " (" + path + "): " + e.getMessage(), e);
        }
        ReadPool reads;
        try {
            reads = ReadPool.open(config, file);
        } catch (SQLException | RuntimeException e) {
            file.close();
            throw e;
        }
        GroupCommitWriter writer = new GroupCommitWriter(
                config, () -> Sqlite.openExisting(path, config.synchronous(), WRITER_BUSY_TIMEOUT_MS), file);
        writer.start();
        return new Database(config, file, reads, writer);
    }

    /**
     * A new file gets {@code auto_vacuum = INCREMENTAL}, which SQLite takes only before the first table: the pages
     * that retention frees can then be given back to the file system in small steps ({@link Retention}). A file
     * that has tables keeps its mode (a Python file: none; docs/operations.md says how to change it offline).
     */
    private static void incrementalVacuumIfNew(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            boolean empty;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
                empty = rs.next() && rs.getLong(1) == 0;
            }
            if (empty) {
                s.execute("PRAGMA auto_vacuum = INCREMENTAL");
            }
        }
    }

    private static void migrate(DatabaseConfig config, Path path) throws MigrationException {
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new MigrationException("cannot create the directory of " + path + ": " + e.getMessage());
        }
        Migrations migrations = Migrations.classpath();
        try (Connection c = Sqlite.openAsIs(path, config.synchronous(), MIGRATION_BUSY_TIMEOUT_MS)) {
            incrementalVacuumIfNew(c);
            migrations.up(c, migrations.latest(), line -> LOG.info("database " + config.name() + ": " + line));
            Sqlite.useWal(c, MIGRATION_BUSY_TIMEOUT_MS);
        } catch (MigrationException | SQLException e) {
            throw new MigrationException("database " + config.name() + " (" + path + "): " + e.getMessage());
        }
    }

    public DatabaseConfig config() {
        return config;
    }

    /** The read pool's DataSource, for the health probe's vertx-jdbc-client Pool. */
    public AgroalDataSource dataSource() {
        return reads.dataSource();
    }

    /** Runs {@code work} on a pooled read connection on one of the reader threads. */
    public void read(Work work, Reply reply) {
        reads.read(work, reply);
    }

    /** Queues {@code work} for the writer; it runs inside a group-commit transaction. */
    /**
     * {@code listener} is told of the changes of each committed transaction, in seq order, on the writer thread,
     * before the transaction's requests are answered: it must hand them on at once (it publishes them).
     */
    public void listen(Changes.Listener listener) {
        writer.listen(listener);
    }

    public void write(Work work, Reply reply) {
        writer.submit(work, reply);
    }

    /** Null while the file, its -wal and -shm are the ones opened; else why the database is unusable. */
    public String fileProblem() {
        return file.problem();
    }

    /** Null while the writer's writes reach the disk; else the storage failure that stops them, and since when. */
    public String writerFailure() {
        return writer.failure();
    }

    public boolean writerStuck(long stuckMs) {
        return writer.isStuck(stuckMs);
    }

    /** The Python implementation's statistic names, then the pool's and the writer's own. */
    public JsonObject stats() {
        return new JsonObject()
                .put("connections_created", reads.connectionsCreated() + writer.connectionsOpened())
                .put("connections_acquired", reads.connectionsAcquired())
                .put("connections_released", reads.connectionsReleased())
                .put("errors", reads.errors() + writer.requestsFailed())
                .put("pool", reads.stats())
                .put("writer", writer.stats());
    }

    /** Registers this database's pool, writer and file meters, tagged with its name; see {@link StoreMeters}. */
    StoreMeters.Registered meters(MeterRegistry registry) {
        return StoreMeters.register(registry, config, reads, writer);
    }

    /** {@link #stop}, with what it reports logged. */
    @Override
    public void close() {
        String left = stop();
        if (left != null) {
            LOG.warning(left);
        }
    }

    /**
     * Commits what the writer holds, checkpoints the WAL into the main file, and closes everything.
     *
     * @return null when the main file alone is complete; else what is left, and where, in one sentence
     */
    public String stop() {
        String problem = file.mainFileProblem();
        if (problem != null) {
            // Closing the last connection, or a checkpoint, would apply this file's WAL (found by name) to
            // whatever file is now at the path: leave everything to the process's exit.
            writer.abandon();
            reads.abandon();
            return "database " + config.name() + ": " + problem
                    + "; stopped without a checkpoint, which would apply its WAL to another file" + walLeft();
        }
        try {
            writer.stop(WRITER_STOP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reads.close();
        String failed;
        try {
            DatabaseFile.Checkpoint cp = file.checkpoint();
            failed = cp.complete()
                    ? null
                    : "the WAL checkpoint at shutdown was blocked by a reader of another process ("
                            + (cp.walFrames() - cp.checkpointedFrames()) + " of " + cp.walFrames()
                            + " frames are not in the database file)";
        } catch (SQLException e) {
            failed = "the WAL checkpoint at shutdown failed: " + e.getMessage();
        }
        String walProblem = file.problem();
        if (walProblem != null) {
            // The anchor is the last connection open: closing it would delete whatever is now at the -wal's path.
            LOG.warning("database " + config.name() + ": " + walProblem
                    + "; its WAL was checkpointed into the database file and the -wal path is left as it is");
        } else {
            file.close(); // SQLite checkpoints once more as the last connection closes, if the reader has gone
        }
        if (failed == null || walProblem == null && !Files.exists(file.wal())) {
            return null;
        }
        if (walProblem != null) {
            return "database " + config.name() + ": " + failed + ", and " + walProblem
                    + ": what its WAL held since the last checkpoint is lost when the process exits";
        }
        return "database " + config.name() + ": " + failed + walLeft()
                + ": every acknowledged write is safe in it, and the next start reads it."
                + " Keep it beside the database file (copy both, or neither)";
    }

    /** "; PATH (N bytes) is left", or nothing when there is no -wal. */
    private String walLeft() {
        try {
            return "; " + file.wal() + " (" + Files.size(file.wal()) + " bytes) is left";
        } catch (IOException e) {
            return "";
        }
    }
}
