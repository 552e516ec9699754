package dev.agentstore.store;

import dev.agentstore.store.migration.Migrations;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a backup ({@link Backup}) in place of a database, with the server stopped: the backup is verified first
 * (its manifest's SHA-256, {@code PRAGMA integrity_check}, the rows its manifest counted, a schema version this
 * build can migrate), the current file and its {@code -wal} and {@code -shm} are moved aside, never deleted,
 * and the copy is written beside the database, fsynced and renamed into its place. Nothing is changed unless
 * every check passes.
 *
 * <p>A database that a process has open is refused: every SQLite connection in WAL mode holds a shared lock on
 * one byte of the {@code -shm} file (the "DMS" byte, 128) for as long as it is open, and the JDK's file locks
 * are the same POSIX locks, so an exclusive lock on that byte is granted only when no connection of any
 * process is open. The lock is held until the swap is done.
 */
public final class Restore {
    /** SQLite's unix VFS: the WAL-index locks start at byte 120 of -shm, eight of them, then the DMS byte. */
    static final long SHM_DMS_BYTE = 120 + 8;

    private Restore() {}

    /** A restore that was refused, or failed before it changed anything; the message says why. */
    public static final class RestoreException extends Exception {
        RestoreException(String message) {
            super(message);
        }

        RestoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What one restore did: the database, where its old files went, and what the backup held. */
    public record Restored(String database, Path file, List<Path> movedAside, JsonObject described) {}

    /** The manifest of the backup in {@code dir}; refused when there is none or it cannot be read. */
    public static JsonObject manifest(Path dir) throws RestoreException {
        Path file = dir.resolve(Backup.MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new RestoreException(dir + " is not a backup: it has no " + Backup.MANIFEST);
        }
        try {
            JsonObject manifest = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
            if (manifest.getJsonObject("databases") == null) {
                throw new RestoreException(file + " names no databases");
            }
            return manifest;
        } catch (IOException | RuntimeException e) {
            throw new RestoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks the copy of {@code database} in the backup {@code dir} against its {@code manifest}: present, its
     * SHA-256, integrity_check, the rows of each table, and a schema version no newer than this build's.
     * Returns the copy's file.
     */
    public static Path verify(Path dir, JsonObject manifest, String database) throws RestoreException {
        JsonObject entry = manifest.getJsonObject("databases").getJsonObject(database);
        if (entry == null) {
            throw new RestoreException("backup " + dir + " has no database '" + database + "'; it has "
                    + String.join(", ", manifest.getJsonObject("databases").fieldNames()));
        }
        String name = entry.getString("file", "");
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new RestoreException("the manifest of " + dir + " names no file for " + database);
        }
        Path copy = dir.resolve(name);
        if (!Files.isRegularFile(copy)) {
            throw new RestoreException("backup " + dir + " lacks " + name + ", the copy of " + database);
        }
        try {
            String sha = Backup.sha256(copy);
            if (!sha.equals(entry.getString("sha256"))) {
                throw new RestoreException(copy + " is not the file the backup wrote: its SHA-256 is " + sha
                        + ", the manifest says " + entry.getString("sha256") + " (damaged, truncated or replaced)");
            }
            JsonObject checked = Backup.check(database, copy);
            if (!checked.getJsonObject("rows").equals(entry.getJsonObject("rows"))) {
                throw new RestoreException(
                        copy + " holds rows " + checked.getJsonObject("rows").encode() + ", the manifest says "
                                + entry.getJsonObject("rows").encode());
            }
            int version = checked.getInteger("schema_version");
            int latest = Migrations.classpath().latest();
            if (version > latest) {
                throw new RestoreException(copy + " is at schema version " + version + ", newer than this"
                        + " agent-store knows (" + latest + "): restore it with the version that made it");
            }
            return copy;
        } catch (IOException | SQLException e) {
            throw new RestoreException("backup " + dir + ", database " + database + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts the verified {@code copy} in place of {@code target}: locks the database against every process,
     * moves {@code target} and its -wal and -shm aside (to {@code NAME.before-restore-TIME}), copies the
     * backup to {@code NAME.restoring}, fsyncs it and renames it to {@code target}.
     */
    public static Restored swap(String database, Path copy, Path target, JsonObject described) throws RestoreException {
        Path dir = target.toAbsolutePath().getParent();
        Path shm = Path.of(target + "-shm");
        Path wal = Path.of(target + "-wal");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RestoreException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        // Opening -shm creates it when missing: then it is ours, empty, and deleted when done.
        boolean shmExisted = Files.exists(shm);
        try (FileChannel channel = FileChannel.open(
                        shm, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock(SHM_DMS_BYTE, 1, false)) {
            if (lock == null) {
                throw new RestoreException("database " + database + " (" + target + ") is open in another"
                        + " process, a running agent-store or any SQLite client: stop it, then restore");
            }
            String suffix = ".before-restore-" + Backup.id(Instant.now());
            List<Path> aside = new ArrayList<>();
            for (Path p : List.of(target, wal)) {
                if (Files.exists(p)) {
                    Path moved = Path.of(p + suffix);
                    Backup.move(p, moved);
                    aside.add(moved);
                }
            }
            Path restoring = Path.of(target + ".restoring");
            Files.copy(copy, restoring, StandardCopyOption.REPLACE_EXISTING);
            Backup.fsync(restoring);
            Backup.move(restoring, target);
            // the old WAL index, of the old file: aside too (the lock goes with it), the server makes a new one
            if (shmExisted) {
                Path moved = Path.of(shm + suffix);
                Backup.move(shm, moved);
                aside.add(moved);
            } else {
                Files.delete(shm);
            }
            Backup.fsync(dir);
            return new Restored(database, target, aside, described);
        } catch (RestoreException e) {
            if (!shmExisted) {
                deleteQuietly(shm);
            }
            throw e;
        } catch (IOException e) {
            throw new RestoreException(
                    "restoring " + database + " to " + target + " failed: " + e.getMessage()
                            + "; the files moved aside end in .before-restore-*",
                    e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left behind: an empty -shm does no harm, SQLite rebuilds it
        }
    }
}
