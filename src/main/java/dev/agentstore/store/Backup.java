package dev.agentstore.store;

import dev.agentstore.store.migration.SchemaVersionSql;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * One backup: a consistent copy of each database, taken while writes go on, in a directory of its own under
 * {@code backup.dir}, with a {@code manifest.json} that says what it holds.
 *
 * <p>The copy is {@code VACUUM INTO} on a connection of its own: it reads the database in one read
 * transaction, so the copy is the snapshot of one moment, and in WAL mode the writer goes on committing
 * beside it. Not SQLite's online-backup API: it restarts its copy whenever another connection writes to the
 * source, and under a steady stream of writes it would never finish.
 *
 * <p>Everything is written under {@code .ID.partial}, each file fsynced, each copy checked
 * ({@code PRAGMA integrity_check}, its schema version, its rows counted, its SHA-256), and only then is the
 * directory renamed to {@code ID}: a directory named as a backup is a complete one, whatever happens to the
 * process meanwhile (a leftover {@code .partial} is deleted at the next start, see {@link Backups}).
 */
public final class Backup {
    /** The name of a backup: its start, in UTC, to the millisecond; names sort as times do. */
    static final DateTimeFormatter ID =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    static final String MANIFEST = "manifest.json";

    /** The name of a backup that starts at {@code time}. */
    public static String id(Instant time) {
        return ID.format(time);
    }

    static final String PARTIAL = ".partial";
    private static final int BUSY_TIMEOUT_MS = 5_000;

    /** The statement running now, to interrupt it when the server stops; null between statements. */
    private final AtomicReference<Statement> running = new AtomicReference<>();

    private volatile boolean cancelled;

    /** A database to copy: its name in the config and its file. */
    public record Source(String name, Path file) {}

    /** A backup that could not be made; nothing of it is left under a backup's name. */
    public static final class BackupException extends Exception {
        BackupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Takes the backup {@code id} of {@code sources} into {@code dir}/{@code id}, blocking until it is
     * complete; returns its manifest. {@code trigger} says who asked: {@code api}, {@code scheduled},
     * {@code command}.
     */
    public JsonObject take(String id, List<Source> sources, Path dir, String trigger) throws BackupException {
        Instant started = Instant.now();
        Path partial = dir.resolve("." + id + PARTIAL);
        Path complete = dir.resolve(id);
        try {
            Files.createDirectories(dir);
            if (Files.exists(complete)) {
                throw new IOException(complete + " exists already");
            }
            Files.createDirectory(partial);
            JsonObject databases = new JsonObject();
            for (Source source : sources) {
                databases.put(source.name(), copy(source, partial.resolve(source.name() + ".db")));
            }
            Instant finished = Instant.now();
            JsonObject manifest = new JsonObject()
                    .put("id", id)
                    .put("trigger", trigger)
                    .put("started_at", started.toString())
                    .put("finished_at", finished.toString())
                    .put("duration_ms", finished.toEpochMilli() - started.toEpochMilli())
                    .put("databases", databases);
            Path manifestFile = partial.resolve(MANIFEST);
            Files.writeString(manifestFile, manifest.encodePrettily() + "\n", StandardCharsets.UTF_8);
            fsync(manifestFile);
            fsync(partial);
            move(partial, complete);
            fsync(dir);
            return manifest;
        } catch (IOException | SQLException | RuntimeException e) {
            deleteTree(partial);
            String why = cancelled ? "the server is stopping" : e.getMessage();
            throw new BackupException("backup " + id + " failed: " + why, e);
        }
    }

    /** Interrupts the statement running now (a copy or a check): the backup fails and leaves nothing. */
    void cancel() {
        cancelled = true;
        Statement s = running.get();
        if (s != null) {
            try {
                s.cancel();
            } catch (SQLException e) {
                // it has ended meanwhile
            }
        }
    }

    /** Copies one database into {@code target}, checks the copy and describes it. */
    private JsonObject copy(Source source, Path target) throws SQLException, IOException {
        // as is: a backup never changes its source, not even a Python file's journal mode
        try (Connection c = Sqlite.openExistingAsIs(source.file(), "FULL", BUSY_TIMEOUT_MS);
                PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toString());
            run(vacuum);
        }
        fsync(target);
        JsonObject described = check(source.name(), target);
        return described
                .put("file", target.getFileName().toString())
                .put("bytes", Files.size(target))
                .put("sha256", sha256(target));
    }

    private void run(PreparedStatement statement) throws SQLException {
        running.set(statement);
        try {
            if (cancelled) {
                throw new SQLException("cancelled");
            }
            statement.execute();
        } finally {
            running.set(null);
        }
    }

    /**
     * Opens the copy read-only and refuses it unless {@code PRAGMA integrity_check} says ok; its schema version
     * and the rows of each table.
     */
    static JsonObject check(String name, Path copy) throws SQLException, IOException {
        try (Connection c = readOnly(copy);
                Statement s = c.createStatement()) {
            List<String> problems = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    problems.add(rs.getString(1));
                }
            }
            if (!problems.equals(List.of("ok"))) {
                throw new IOException("the copy of " + name + " fails integrity_check: "
                        + String.join("; ", problems.subList(0, Math.min(3, problems.size()))));
            }
            int version;
            try (ResultSet rs = s.executeQuery(SchemaVersionSql.CURRENT_VERSION)) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                    + " AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            JsonObject rows = new JsonObject();
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table.replace("\"", "\"\"") + "\"")) {
                    rows.put(table, rs.next() ? rs.getLong(1) : 0);
                }
            }
            return new JsonObject()
                    .put("schema_version", version)
                    .put("integrity_check", "ok")
                    .put("rows", rows);
        }
    }

    /** A connection that cannot write the file, nor create one where there is none. */
    static Connection readOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        return new JDBC().connect(Sqlite.url(file), config.toProperties());
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Forces a file's or a directory's bytes and metadata to the disk. */
    static void fsync(Path path) throws IOException {
        boolean directory = Files.isDirectory(path);
        try (FileChannel ch = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Renames {@code from} to {@code to} atomically, or fails: never a copy that a crash could leave half done. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically", e);
        }
    }

    /** Deletes a directory and what it holds; what is already gone is no error. */
    static void deleteTree(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry)) {
                    deleteTree(entry);
                } else {
                    Files.deleteIfExists(entry);
                }
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(Backup.class.getName())
                    .warning("cannot delete " + dir + ": " + e.getMessage());
        }
    }

    /** The manifests of the complete backups in {@code dir}, newest first; a directory without one is skipped. */
    static List<JsonObject> list(Path dir) throws IOException {
        List<JsonObject> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(dir, p -> !p.getFileName().toString().startsWith("."))) {
            for (Path entry : entries) {
                Path manifest = entry.resolve(MANIFEST);
                if (Files.isRegularFile(manifest)) {
                    try {
                        out.add(new JsonObject(Files.readString(manifest)));
                    } catch (RuntimeException e) {
                        // not one of ours, or damaged: restore says so when asked for it
                    }
                }
            }
        }
        out.sort((a, b) -> b.getString("id", "").compareTo(a.getString("id", "")));
        return out;
    }
}
