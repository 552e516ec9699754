package dev.agentstore.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * A connection with its prepared statements. The writer keeps one session for the life of its
 * connection, so each statement is prepared once and reused (plain JDBC with a reused statement costs a
 * fraction of re-preparing, see docs/DATABASE.md); a reader's session lives for one request.
 */
public final class Session implements AutoCloseable {
  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private long rowsWritten;

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

  /** Rows written through {@link #update} since the last call. */
  public long takeRowsWritten() {
    long n = rowsWritten;
    rowsWritten = 0;
    return n;
  }

  public Connection connection() {
    return connection;
  }

  /** Closes the statements, and the connection too. */
  @Override
  public void close() throws SQLException {
    try {
      for (PreparedStatement ps : statements.values()) {
        ps.close();
      }
      statements.clear();
    } finally {
      connection.close();
    }
  }
}
