package dev.agentstore.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * Plain JDBC on SQLite files. {@link #connect} has no pragma of the store: to build fixture files as
 * another program made them, and to read them back exactly (values with their storage class, rowids,
 * bytes). {@link #open} and the helpers on it wait for locks: to check, beside a running server, where
 * rows landed, and to prepare rows the API cannot make. Each call opens its own connection.
 */
public final class SqliteFiles {
    private SqliteFiles() {}

    /** A connection that waits up to 10 s for a lock held by the running server. */
    public static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        return new JDBC().connect(JDBC.PREFIX + file.toAbsolutePath(), config.toProperties());
    }

    /** The first column of the first row of {@code sql}, as a string (null for SQL NULL or no row). */
    public static String text(Path file, String sql, Object... params) {
        try (Connection c = open(file);
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static long number(Path file, String sql, Object... params) {
        return Long.parseLong(text(file, sql, params));
    }

    /** How many rows {@code table} holds, waiting for locks. */
    public static long count(Path file, String table) {
        return number(file, "SELECT count(*) FROM " + table);
    }

    /** Runs statements that return no rows, each in autocommit, waiting for locks. */
    public static void execute(Path file, String... statements) {
        try (Connection c = open(file);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A connection with SQLite's defaults (rollback journal, no busy timeout, foreign keys off). */
    public static Connection connect(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** Runs each statement on a fresh connection to {@code file}, in autocommit. */
    public static void exec(Path file, String... statements) throws SQLException {
        try (Connection c = connect(file);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /**
     * Runs a SQL script from the test classpath ({@code /fixtures/...}) as {@link #exec} does: lines
     * starting with {@code --} are comments, a {@code ;} at the end of a line ends a statement. Our own
     * migration runner is not used on purpose: a fixture must not depend on the code it is a fixture for.
     */
    public static void script(Path file, String resource) throws SQLException {
        String text;
        try (InputStream in = SqliteFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no " + resource + " on the test classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String sql = text.lines().filter(l -> !l.strip().startsWith("--")).collect(Collectors.joining("\n"));
        exec(
                file,
                Arrays.stream(sql.split(";[ \\t]*(\\n|$)"))
                        .map(String::strip)
                        .filter(st -> !st.isEmpty())
                        .toArray(String[]::new));
    }

    /** The first column of every row of {@code sql}, as text. */
    public static List<String> column(Path file, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(file);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The versions recorded in schema_version, lowest first. */
    public static List<String> versions(Path file) throws SQLException {
        return column(file, "SELECT version FROM schema_version ORDER BY version");
    }

    public static String journalMode(Path file) throws SQLException {
        return column(file, "PRAGMA journal_mode").get(0);
    }

    /** Every table of the file (sqlite_sequence included) with its columns, in declaration order. */
    public static Map<String, List<String>> columns(Path file) throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (String table : column(file, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            tables.put(table, column(file, "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid"));
        }
        return tables;
    }

    /**
     * Every row of the given tables and columns, in rowid order, each as its rowid and SQL literals
     * ({@code quote()}): a text '1' and an integer 1, a NULL and the text 'NULL', all differ.
     */
    public static Map<String, List<String>> dump(Path file, Map<String, List<String>> columns) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> t : columns.entrySet()) {
            StringBuilder row = new StringBuilder("rowid");
            for (String col : t.getValue()) {
                row.append(" || ' | ' || quote(\"").append(col).append("\")");
            }
            out.put(t.getKey(), column(file, "SELECT " + row + " FROM \"" + t.getKey() + "\" ORDER BY rowid"));
        }
        return out;
    }

    public static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
