package dev.agentstore.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A connection with its prepared statements, each prepared once and reused for the life of the
 * connection (a point read costs 10.8 µs of CPU with a reused statement, 15.0 µs preparing it each
 * time, see docs/DATABASE.md). The writer keeps one session on its own connection; each pooled read
 * connection has one, kept in {@link Database} while Agroal keeps the connection.
 */
public final class Session implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private long rowsWritten;
    /** The changes the writer's transaction recorded so far ({@link Changes#record}), in seq order. */
    private final List<Changes.Change> changes = new ArrayList<>();

    public Session(Connection connection) {
        this.connection = connection;
    }

    /** The statement for {@code sql}, prepared on first use, parameters cleared. */
    public PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        } else {
            ps.clearParameters();
        }
        return ps;
    }

    /**
     * The statement for {@code sql} with its first parameters bound to {@code params}, in order: a
     * String, a Long, an Integer, a Double, bytes or null (SQL NULL). Anything else is a programming error, refused at
     * once rather than stored as some driver's idea of it.
     */
    public PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = prepare(sql);
        for (int i = 0; i < params.length; i++) {
            bind(ps, i + 1, params[i]);
        }
        return ps;
    }

    private static void bind(PreparedStatement ps, int at, Object value) throws SQLException {
        if (value == null || value instanceof String) {
            ps.setString(at, (String) value);
        } else if (value instanceof Long n) {
            ps.setLong(at, n);
        } else if (value instanceof Integer n) {
            ps.setInt(at, n);
        } else if (value instanceof Double d) {
            ps.setDouble(at, d); // a page token's key of a REAL column
        } else if (value instanceof byte[] b) {
            ps.setBytes(at, b); // and of a BLOB one
        } else {
            throw new IllegalArgumentException("parameter " + at + " is a "
                    + value.getClass().getName() + "; bind a String, a Long, an Integer, a Double, bytes or null");
        }
    }

    /**
     * Executes {@code sql} {@code times} times on a statement of its own, closed after: for a pragma that does one
     * step of its work each time the driver steps it ({@code incremental_vacuum}, whose result has no columns, so
     * that the driver steps it once and would leave it in progress, which COMMIT refuses).
     */
    public void repeat(String sql, long times) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (long i = 0; i < times; i++) {
                ps.execute();
            }
        }
    }

    /** Runs a statement that takes no parameters and returns no rows (BEGIN, COMMIT, SAVEPOINT...). */
    public void execute(String sql) throws SQLException {
        prepare(sql).execute();
    }

    /** Executes an insert, update or delete and counts its rows for the statistics. */
    public int update(PreparedStatement ps) throws SQLException {
        int n = ps.executeUpdate();
        rowsWritten += n;
        return n;
    }

    /** The rowid of the last row this connection inserted (an INTEGER PRIMARY KEY: alerts, agent versions). */
    public long lastInsertRowid() throws SQLException {
        try (ResultSet rs = prepare("SELECT last_insert_rowid()").executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Counts {@code rows} written by a statement run as a query (an INSERT ... RETURNING). */
    public void wrote(int rows) {
        rowsWritten += rows;
    }

    void recorded(Changes.Change change) {
        changes.add(change);
        rowsWritten++;
    }

    /** How many changes are recorded: where a savepoint starts. */
    int changesMark() {
        return changes.size();
    }

    /** Drops the changes recorded after {@code mark}: their savepoint was rolled back. */
    void dropChanges(int mark) {
        changes.subList(mark, changes.size()).clear();
    }

    /** The changes of the transaction that just committed, handed over once; none are kept. */
    List<Changes.Change> takeChanges() {
        if (changes.isEmpty()) {
            return List.of();
        }
        List<Changes.Change> taken = List.copyOf(changes);
        changes.clear();
        return taken;
    }

    /** Rows written through {@link #update} since the last call. */
    public long takeRowsWritten() {
        long n = rowsWritten;
        rowsWritten = 0;
        return n;
    }

    /** Closes the statements, and the connection too. */
    @Override
    public void close() throws SQLException {
        try {
            closeStatements();
        } finally {
            connection.close();
        }
    }

    /** Closes the statements and keeps the connection open. */
    public void closeStatements() throws SQLException {
        for (PreparedStatement ps : statements.values()) {
            ps.close();
        }
        statements.clear();
    }
}
