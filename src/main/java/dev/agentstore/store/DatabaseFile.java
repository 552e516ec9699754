package dev.agentstore.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQLite file a database opened, and its {@code -wal} and {@code -shm}, by identity (device and
 * inode), so that a file deleted, renamed or replaced under the running server is noticed: reads and
 * writes are then refused with 503. Open connections keep working on a deleted or renamed file, so without this check writes
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
 * saves what the WAL holds into the main file even after the {@code -wal} was moved away; and, as soon
 * as the writer notices the {@code -wal} gone, {@link #save} does the same, so that a kill after that
 * loses nothing that was acknowledged.
 *
 * <p>The {@code -shm}, SQLite's index of the WAL and the place of its locks, follows the same life: made
 * by the first connection, deleted by the last one to close, never replaced meanwhile (SQLite truncates
 * and rebuilds it in place). Every connection maps it; a new connection that found another file there
 * would build an index of its own and no longer see our connections' locks. So it is checked the same way.
 */
final class DatabaseFile implements AutoCloseable {
    /** How long a read may rely on the last check; reads are too frequent for three stats each. */
    private static final long RECHECK_NANOS = 100_000_000L;

    private final Path file;
    private final Path wal;
    private final Path shm;
    private final Connection anchor;
    private final Object fileKey;
    /** Null when there was no -wal (-shm) at open (not in WAL mode): then there is none to check. */
    private final Object walKey;

    private final Object shmKey;

    private volatile long checkedAt = System.nanoTime();
    private volatile String lastProblem;

    private DatabaseFile(Path file, Connection anchor) throws SQLException {
        this.file = file;
        this.wal = file.resolveSibling(file.getFileName() + "-wal");
        this.shm = file.resolveSibling(file.getFileName() + "-shm");
        this.anchor = anchor;
        try (Statement s = anchor.createStatement()) {
            s.executeQuery("SELECT count(*) FROM sqlite_master").close(); // a first read opens (creates) the -wal
        }
        this.fileKey = key(file);
        this.walKey = key(wal);
        this.shmKey = key(shm);
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

    Path wal() {
        return wal;
    }

    /** Null while the file, its -wal and -shm are the ones this database opened; else why the database is not usable. */
    String problem() {
        long now = System.nanoTime();
        String problem = mainFileProblem();
        problem = problem != null ? problem : walProblem();
        lastProblem = problem;
        checkedAt = now;
        return problem;
    }

    /** {@link #problem()} as found by the last check if it is under 100 ms old (every check renews it). */
    String recentProblem() {
        return System.nanoTime() - checkedAt > RECHECK_NANOS ? problem() : lastProblem;
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
        String problem = sideFileProblem(wal, walKey, "-wal");
        return problem != null ? problem : sideFileProblem(shm, shmKey, "-shm");
    }

    private static String sideFileProblem(Path path, Object opened, String suffix) {
        if (opened == null) {
            return null;
        }
        Object key = key(path);
        if (key == null) {
            return "the database's " + suffix + " file was deleted or moved away; move it back, or stop agent-store"
                    + " (it saves what the WAL holds into the database file)";
        }
        if (!opened.equals(key)) {
            return "the database's " + suffix + " file was replaced by another file; stop agent-store"
                    + " (it saves what its WAL holds into the database file), then remove the other " + suffix;
        }
        return null;
    }

    /** What {@code PRAGMA wal_checkpoint} answered: it reports a blocked checkpoint in its row, it does not throw. */
    record Checkpoint(boolean busy, long walFrames, long checkpointedFrames) {
        /** Every frame of the WAL is in the main file (a TRUNCATE that finished reports 0 and 0). */
        boolean complete() {
            return walFrames >= 0 && checkpointedFrames == walFrames;
        }
    }

    /**
     * Copies the WAL into the main file and truncates it, through the anchor, which reads the WAL it
     * opened even when the {@code -wal} was moved away since. Only when {@link #mainFileProblem()} is null.
     * A reader of another process that holds an older snapshot stops the copy at that snapshot, after
     * waiting {@link Sqlite#BUSY_TIMEOUT_MS} for it: the answer then says busy and what is left.
     */
    synchronized Checkpoint checkpoint() throws SQLException {
        try (Statement s = anchor.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            if (!rs.next()) {
                throw new SQLException("PRAGMA wal_checkpoint returned no row");
            }
            return new Checkpoint(rs.getInt(1) != 0, rs.getLong(2), rs.getLong(3));
        }
    }

    /**
     * After the {@code -wal} or {@code -shm} went away under the server, while the main file is still
     * ours: checkpoints what the WAL holds into the main file, so that it outlives the deleted WAL.
     *
     * @return true when every frame of the WAL is in the main file
     */
    boolean save() {
        if (mainFileProblem() != null) {
            return false;
        }
        try {
            return checkpoint().complete();
        } catch (SQLException e) {
            return false;
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
