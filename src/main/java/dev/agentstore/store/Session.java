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
    /**
     * The changes the writer's transaction recorded so far ({@link Changes#record}), in the order recorded, which
     * is seq order; the first {@code inserted} of them are in the table, the others wait for {@link Changes#flush}.
     */
    private final List<Changes.Pending> changes = new ArrayList<>();

    private int inserted;

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

    void recorded(Changes.Pending change) {
        changes.add(change);
        rowsWritten++;
    }

    /**
     * Where a request starts, as to its changes: how many are recorded and how many of those are in the table.
     * A request that fails goes back to it ({@link #dropChanges}).
     */
    Mark changesMark() {
        return new Mark(changes.size(), inserted);
    }

    /** What {@link #changesMark} returns. */
    record Mark(int recorded, int inserted) {}

    /**
     * Drops the changes recorded after {@code mark}: their savepoint was rolled back, or the whole transaction was.
     * The rows that the request inserted into the table for changes of earlier requests ({@link Changes#flush}
     * within its savepoint) went with it: those changes wait to be inserted again.
     */
    void dropChanges(Mark mark) {
        for (int i = mark.inserted(); i < inserted; i++) {
            changes.get(i).seq = 0;
        }
        inserted = Math.min(inserted, mark.inserted());
        changes.subList(mark.recorded(), changes.size()).clear();
    }

    /** The changes recorded and not yet in the table, oldest first; {@link #allInserted} once they are. */
    List<Changes.Pending> uninserted() {
        return changes.subList(inserted, changes.size());
    }

    /** The changes that {@link #uninserted} returned are in the table now, with their seqs. */
    void allInserted() {
        inserted = changes.size();
    }

    /**
     * The changes of the transaction that just committed, in seq order, handed over once; none are kept. Every
     * one was inserted before COMMIT ({@link Changes#flush}).
     */
    List<Changes.Change> takeChanges() {
        if (changes.isEmpty()) {
            return List.of();
        }
        if (inserted != changes.size()) {
            throw new IllegalStateException(
                    (changes.size() - inserted) + " changes were committed without their rows; flush before COMMIT");
        }
        List<Changes.Change> taken = new ArrayList<>(changes.size());
        for (Changes.Pending c : changes) {
            taken.add(c.committed());
        }
        changes.clear();
        inserted = 0;
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
