package dev.agentstore.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * Plain JDBC on a database file, beside the running server: to check where rows landed and what a file
 * holds, and to prepare rows or triggers the API cannot make. Each call opens its own connection.
 */
public final class SqliteFile {
  private SqliteFile() {}

  public static Connection open(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(10_000);
    return new JDBC().connect(JDBC.PREFIX + file.toAbsolutePath(), config.toProperties());
  }

  /** The first column of the first row of {@code sql}, as a string (null for SQL NULL or no row). */
  public static String text(Path file, String sql, Object... params) {
    try (Connection c = open(file); PreparedStatement ps = c.prepareStatement(sql)) {
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

  /** Runs statements that return no rows, each in autocommit. */
  public static void execute(Path file, String... statements) {
    try (Connection c = open(file); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
