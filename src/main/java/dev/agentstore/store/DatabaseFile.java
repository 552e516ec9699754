package dev.agentstore.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQLite file a database opened, and its {@code -wal}, by identity (device and inode), so that a file
 * deleted, renamed or replaced under the running server is noticed: reads and writes are then refused
 * with 503. Open connections keep working on a deleted or renamed file, so without this check writes
 * would be acknowledged into a file that is gone. Nothing is closed meanwhile: closing the last
 * connection would checkpoint and delete the WAL by name, which may by then belong to another file. When
 * the same file comes back (renamed back), the database is healthy again; a different file in its place
 * (a restored backup) is used after a restart, when its schema is checked and migrated.
 *
 * <p>The {@code -wal}: SQLite creates it when a connection first reads in WAL mode and deletes it when
 * the last connection closes, so it legitimately comes and goes whenever every connection has closed at
 * once (the pool and the writer recycle theirs). This class therefore keeps a connection of its own open
 * from before the pool opens until the database closes, the anchor: while it is open SQLite never
 * deletes the {@code -wal}, so one that vanished or changed identity was moved by someone else, and our
 * connections would go on writing a WAL that no new connection reads (a new one fails or starts an empty
 * WAL). The anchor, which still holds the original {@code -wal} open, runs the shutdown checkpoint: that
 * saves what the WAL holds into the main file even after the {@code -wal} was moved away.
 */
final class DatabaseFile implements AutoCloseable {
    /** How long a read may rely on the last check; reads are too frequent for two stats each. */
    private static final long RECHECK_NANOS = 100_000_000L;

    private final Path file;
    private final Path wal;
    private final Connection anchor;
    private final Object fileKey;
    /** Null when there was no -wal at open (not in WAL mode): then there is none to check. */
    private final Object walKey;

    private volatile long checkedAt = System.nanoTime();
    private volatile String lastProblem;

    private DatabaseFile(Path file, Connection anchor) throws SQLException {
        this.file = file;
        this.wal = file.resolveSibling(file.getFileName() + "-wal");
        this.anchor = anchor;
        try (Statement s = anchor.createStatement()) {
            s.executeQuery("SELECT count(*) FROM sqlite_master").close(); // a first read opens (creates) the -wal
        }
        this.fileKey = key(file);
        this.walKey = key(wal);
    }

    /** Opens the anchor on {@code file}, which exists and is in WAL mode (the migration made it so). */
    static DatabaseFile open(Path file, String synchronous) throws SQLException {
        Connection anchor = Sqlite.openExisting(file, synchronous, Sqlite.BUSY_TIMEOUT_MS);
        try {
            return new DatabaseFile(file, anchor);
        } catch (SQLException | RuntimeException e) {
            anchor.close();
            throw e;
        }
    }

    Path path() {
        return file;
    }

    /** Null while the file and its -wal are the ones this database opened; else why the database is not usable. */
    String problem() {
        String problem = mainFileProblem();
        return problem != null ? problem : walProblem();
    }

    /** {@link #problem()}, checked at most every 100 ms. */
    String recentProblem() {
        long now = System.nanoTime();
        if (now - checkedAt > RECHECK_NANOS) {
            lastProblem = problem();
            checkedAt = now;
        }
        return lastProblem;
    }

    /** Null while the main file is the one this database opened: then a checkpoint writes into the right file. */
    String mainFileProblem() {
        Object key;
        try {
            key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return "the database file does not exist";
        } catch (IOException e) {
            return "the database file cannot be read";
        }
        if (fileKey != null && !fileKey.equals(key)) {
            return "the database file was replaced by another file; restart agent-store to open it";
        }
        return null;
    }

    private String walProblem() {
        if (walKey == null) {
            return null;
        }
        Object key = key(wal);
        if (key == null) {
            return "the database's -wal file was deleted or moved away; move it back, or stop agent-store"
                    + " (it saves what the WAL holds into the database file)";
        }
        if (!walKey.equals(key)) {
            return "the database's -wal file was replaced by another file; stop agent-store"
                    + " (it saves what its WAL holds into the database file), then remove the other -wal";
        }
        return null;
    }

    /**
     * Copies the WAL into the main file and truncates it, through the anchor, which reads the WAL it
     * opened even when the {@code -wal} was moved away since. Only when {@link #mainFileProblem()} is null.
     */
    void checkpoint() throws SQLException {
        try (Statement s = anchor.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    /** Closes the anchor; the last connection to close, it lets SQLite delete the -wal by name. */
    @Override
    public void close() {
        try {
            anchor.close();
        } catch (SQLException ignored) {
            // closing a connection SQLite has already given up on
        }
    }

    private static Object key(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
