package dev.agentstore.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Applies the ordered SQL migrations and records them in the Python implementation's
 * {@code schema_version} table, to which it adds a {@code checksum} column. Each migration runs in its
 * own {@code BEGIN IMMEDIATE} transaction, and the current version is read again inside it, so that two
 * processes starting on one new file at once apply each migration exactly once: the second waits on the
 * write lock (busy_timeout), then finds the work done.
 */
public final class Migrations {
    private static final String DIR = "db/migration/";
    private static final Migrations CLASSPATH = new Migrations(load());

    private final List<Migration> all;

    /** {@code all} must hold versions 1, 2, 3... in order; tests give their own list here. */
    Migrations(List<Migration> all) {
        if (all.isEmpty()) {
            throw new IllegalStateException("no migrations");
        }
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).version() != i + 1) {
                throw new IllegalStateException(
                        "migration " + all.get(i).id() + " is out of order: expected version " + (i + 1));
            }
        }
        this.all = List.copyOf(all);
    }

    /** The migrations in src/main/resources/db/migration, in the order of index.txt there. */
    public static Migrations classpath() {
        return CLASSPATH;
    }

    public List<Migration> all() {
        return all;
    }

    public int latest() {
        return all.get(all.size() - 1).version();
    }

    /** Version, applied and pending migrations of the file behind {@code c}. */
    public JsonObject status(Connection c) throws SQLException {
        Map<Integer, JsonObject> applied = applied(c);
        int current =
                applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        JsonArray pending = new JsonArray();
        for (Migration m : all) {
            if (!applied.containsKey(m.version())) {
                pending.add(m.id());
            }
        }
        return new JsonObject()
                .put("current_version", current)
                .put("latest_version", latest())
                .put("applied", new JsonArray(new ArrayList<>(applied.values())))
                .put("pending", pending);
    }

    /** The migrations that {@code up} would apply, in order. */
    public List<Migration> upSteps(int current, int target) {
        return all.stream()
                .filter(m -> m.version() > current && m.version() <= target)
                .toList();
    }

    /** The migrations that {@code down} would revert, newest first. */
    public List<Migration> downSteps(int current, int target) {
        List<Migration> steps = new ArrayList<>(all.stream()
                .filter(m -> m.version() <= current && m.version() > target)
                .toList());
        Collections.reverse(steps);
        return steps;
    }

    /**
     * Brings the file up to {@code target}; {@code log} hears one line per applied migration. The file
     * is verified before anything is locked or written, so a file that is refused is left as it was.
     *
     * @return how many migrations this call applied (0 when another process had applied them)
     */
    public int up(Connection c, int target, Consumer<String> log) throws SQLException, MigrationException {
        int applied = 0;
        for (Migration m : upSteps(verify(c), target)) {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                try {
                    int current = verify(c);
                    if (current >= m.version()) {
                        s.execute("COMMIT");
                        continue;
                    }
                    if (current != m.version() - 1) {
                        throw new MigrationException(
                                "schema version " + current + " is not followed by migration " + m.id());
                    }
                    runScript(c, m, m.up(), current);
                    ensureChecksumColumn(c);
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO schema_version (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)")) {
                        ps.setInt(1, m.version());
                        ps.setString(2, m.name());
                        ps.setString(3, Timestamps.now());
                        ps.setString(4, m.checksum());
                        ps.executeUpdate();
                    }
                    s.execute("COMMIT");
                    applied++;
                    log.accept("applied migration " + m.id());
                } catch (SQLException | MigrationException | RuntimeException e) {
                    rollback(c);
                    throw e;
                }
            }
        }
        return applied;
    }

    /**
     * Runs down scripts, newest first, until the file is at {@code target}. Refuses, before changing
     * anything, to run a script that drops data unless {@code allowDataLoss}.
     */
    public int down(Connection c, int target, boolean allowDataLoss, Consumer<String> log)
            throws SQLException, MigrationException {
        List<Migration> steps = downSteps(verify(c), target);
        for (Migration m : steps) {
            if (m.downDropsData() && !allowDataLoss) {
                throw new MigrationException("going below version " + m.version() + " (" + m.id()
                        + ") drops tables and their rows; pass --allow-data-loss to do it anyway");
            }
        }
        for (Migration m : steps) {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                try {
                    int current = verify(c);
                    if (current != m.version()) {
                        s.execute("COMMIT");
                        continue;
                    }
                    runScript(c, m, m.down(), current);
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM schema_version WHERE version = ?")) {
                        ps.setInt(1, m.version());
                        ps.executeUpdate();
                    }
                    s.execute("COMMIT");
                    log.accept("reverted migration " + m.id());
                } catch (SQLException | MigrationException | RuntimeException e) {
                    rollback(c);
                    throw e;
                }
            }
        }
        return steps.size();
    }

    /**
     * The current version, after checking that the file is one this code can serve: not newer than it
     * knows, and with no applied migration whose script has changed since. Only reads.
     */
    public int verify(Connection c) throws SQLException, MigrationException {
        int current = 0;
        for (JsonObject row : applied(c).values()) {
            int v = row.getInteger("version");
            current = Math.max(current, v);
            if (v > latest()) {
                throw new MigrationException(
                        "the database is at schema version " + v + ", newer than this agent-store knows (" + latest()
                                + "); it was not changed. Run a newer agent-store on it");
            }
            if (v < 1) {
                throw new MigrationException("schema_version holds version " + v + ", which no migration has");
            }
            Migration m = all.get(v - 1);
            String recorded = row.getString("checksum");
            if (recorded != null && !recorded.equals(m.checksum())) {
                throw new MigrationException("migration " + m.id()
                        + " was changed after it was applied to this database" + " (recorded checksum " + recorded
                        + ", file " + m.checksum() + "); restore it and add a new migration instead");
            }
        }
        return current;
    }

    private static Map<Integer, JsonObject> applied(Connection c) throws SQLException {
        Map<Integer, JsonObject> rows = new LinkedHashMap<>();
        if (!tableExists(c, "schema_version")) {
            return rows;
        }
        boolean hasChecksum = columnExists(c, "schema_version", "checksum");
        String sql = "SELECT version, name, applied_at" + (hasChecksum ? ", checksum" : ", NULL AS checksum")
                + " FROM schema_version ORDER BY version";
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.put(
                        rs.getInt(1),
                        new JsonObject()
                                .put("version", rs.getInt(1))
                                .put("name", rs.getString(2))
                                .put("applied_at", rs.getString(3))
                                .put("checksum", rs.getString(4)));
            }
        }
        return rows;
    }

    /**
     * The Python implementation's table has no checksum column; it gets one the first time this code
     * applies a migration, and the versions it recorded keep a null checksum (there is nothing to compare).
     */
    private static void ensureChecksumColumn(Connection c) throws SQLException {
        if (!columnExists(c, "schema_version", "checksum")) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE schema_version ADD COLUMN checksum TEXT");
            }
        }
    }

    private static void runScript(Connection c, Migration m, String script, int current) throws MigrationException {
        for (String sql : statements(script)) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new MigrationException("migration " + m.id()
                        + " failed and was rolled back, the database stays at version " + current + ": "
                        + e.getMessage() + "\n  in: " + sql.lines().findFirst().orElse(sql));
            }
        }
    }

    /** Splits a script into statements: each ends with a semicolon at the end of a line. */
    public static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean columnExists(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_table_info(?) WHERE name = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void rollback(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite already rolled back, or nothing was begun
        }
    }

    private static List<Migration> load() {
        List<Migration> list = new ArrayList<>();
        for (String id : resource("index.txt").strip().split("\\s+")) {
            list.add(Migration.of(
                    Integer.parseInt(id.substring(0, 4)),
                    id.substring(5),
                    resource(id + ".sql"),
                    resource(id + ".down.sql")));
        }
        return list;
    }

    private static String resource(String name) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DIR + name, e);
        }
    }
}
