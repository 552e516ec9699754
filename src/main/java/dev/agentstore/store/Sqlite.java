package dev.agentstore.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/** Opens SQLite connections with the pragmas every connection of the store needs. */
public final class Sqlite {
  /** Readers and migrations wait this long for a lock held by another process before SQLITE_BUSY. */
  public static final int BUSY_TIMEOUT_MS = 5_000;

  private Sqlite() {}

  public static String url(Path file) {
    return "jdbc:sqlite:" + file.toAbsolutePath();
  }

  /**
   * Pragmas as sqlite-jdbc connection properties, applied by the driver on every connection it opens.
   * busy_timeout comes first: the journal_mode change below needs a lock, and without a busy handler a
   * second process opening the file at the same moment fails with SQLITE_BUSY at once.
   */
  public static Properties properties(String synchronous, int busyTimeoutMs) {
    return config(synchronous, busyTimeoutMs).toProperties();
  }

  /**
   * As {@link #properties}, for connections opened after start-up: they never create the file, so a
   * database deleted under a running server is an error, not a new empty database.
   */
  public static Properties existingFileProperties(String synchronous, int busyTimeoutMs) {
    SQLiteConfig config = config(synchronous, busyTimeoutMs);
    config.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE);
    return config.toProperties();
  }

  private static SQLiteConfig config(String synchronous, int busyTimeoutMs) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(busyTimeoutMs);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous));
    config.enforceForeignKeys(true);
    return config;
  }

  /** A connection to a file that must already exist: the writer's. */
  public static Connection openExisting(Path file, String synchronous, int busyTimeoutMs) throws SQLException {
    return new org.sqlite.JDBC().connect(url(file), existingFileProperties(synchronous, busyTimeoutMs));
  }

  /** One connection outside any pool: migrations and the command line use it. */
  public static Connection open(Path file, String synchronous, int busyTimeoutMs) throws SQLException {
    return new org.sqlite.JDBC().connect(url(file), properties(synchronous, busyTimeoutMs));
  }
}
