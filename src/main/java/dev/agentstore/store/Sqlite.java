package dev.agentstore.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** Opens SQLite connections with the pragmas every connection of the store needs. */
public final class Sqlite {
    /** Readers and migrations wait this long for a lock held by another process before SQLITE_BUSY. */
    public static final int BUSY_TIMEOUT_MS = 5_000;

    private Sqlite() {}

    public static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /**
     * Pragmas as sqlite-jdbc connection properties, applied by the driver on every connection it opens.
     * busy_timeout comes first: the journal_mode change below needs a lock, and without a busy handler a
     * second process opening the file at the same moment fails with SQLITE_BUSY at once.
     */
    private static Properties properties(String synchronous, int busyTimeoutMs) {
        return config(synchronous, busyTimeoutMs, true).toProperties();
    }

    /**
     * As {@link #properties}, for connections opened after start-up: they never create the file, so a
     * database deleted under a running server is an error, not a new empty database.
     */
    public static Properties existingFileProperties(String synchronous, int busyTimeoutMs) {
        SQLiteConfig config = config(synchronous, busyTimeoutMs, true);
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        return config.toProperties();
    }

    private static SQLiteConfig config(String synchronous, int busyTimeoutMs, boolean wal) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(busyTimeoutMs);
        if (wal) {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        }
        config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous));
        config.enforceForeignKeys(true);
        // A SAVEPOINT journals into a temporary file by default: in memory it costs about a fifth
        // (bench/run.sh, savepoint vs retry: 21-30 µs a request in a file, 5-9 µs in memory).
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // The store never asks for generated keys; without this the driver prepares extra work per insert.
        config.setGetGeneratedKeys(false);
        return config;
    }

    /** One connection outside any pool, in WAL mode. */
    public static Connection open(Path file, String synchronous, int busyTimeoutMs) throws SQLException {
        return new JDBC().connect(url(file), properties(synchronous, busyTimeoutMs));
    }

    /** A connection, in WAL mode, to a file that must already exist: the writer's and the shutdown checkpoint's. */
    public static Connection openExisting(Path file, String synchronous, int busyTimeoutMs) throws SQLException {
        return new JDBC().connect(url(file), existingFileProperties(synchronous, busyTimeoutMs));
    }

    /** As {@link #openAsIs}, to a file that must exist: a backup's source (a backup never changes it). */
    public static Connection openExistingAsIs(Path file, String synchronous, int busyTimeoutMs) throws SQLException {
        SQLiteConfig config = config(synchronous, busyTimeoutMs, false);
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        return new JDBC().connect(url(file), config.toProperties());
    }

    /**
     * One connection that leaves the file's journal mode as it is, for migrations and the command line.
     * Switching a rollback-journal file to WAL rewrites its header, so the schema version is checked on
     * this connection first and {@link #useWal} called only once the file is known to be one we serve:
     * a file that is refused (newer version, edited migration, failed migration) stays byte for byte as it was.
     */
    public static Connection openAsIs(Path file, String synchronous, int busyTimeoutMs) throws SQLException {
        return new JDBC()
                .connect(url(file), config(synchronous, busyTimeoutMs, false).toProperties());
    }

    /**
     * Switches the file to WAL; the mode is stored in the file, so every later connection uses it.
     * SQLite takes the exclusive lock for this while already holding a read lock, and in that case it
     * fails with SQLITE_BUSY at once instead of calling the busy handler. A second process starting on
     * the same file at the same moment holds such a lock briefly, so the switch is retried here, for at
     * most {@code timeoutMs}. Once either process has switched, the pragma finds WAL and needs no lock.
     */
    public static void useWal(Connection c, int timeoutMs) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                String mode = rs.next() ? rs.getString(1) : null;
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new SQLException("could not switch the journal to WAL, it stays '" + mode + "'");
                }
                return;
            } catch (SQLException e) {
                if (!SqliteErrors.isBusy(e) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while switching the journal to WAL", e);
            }
        }
    }
}
