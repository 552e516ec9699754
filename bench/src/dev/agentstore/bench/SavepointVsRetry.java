package dev.agentstore.bench;

import dev.agentstore.store.Migrations;
import dev.agentstore.store.Sqlite;
import dev.agentstore.store.Timestamps;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Group commit: what it costs to let one failing request fail alone. Plain JDBC on one connection,
 * synchronous=FULL, batches of N creates (the server's two inserts) in one BEGIN IMMEDIATE / COMMIT:
 *
 * <ul>
 *   <li>{@code plain}: no savepoints. This is the retry strategy's cost when nothing fails.
 *   <li>{@code savepoint}: SAVEPOINT / RELEASE around every request, as the server's Writer does.
 *   <li>{@code savepoint+fail}: as above, and one request per batch (at a random position) fails
 *       after its first insert (a foreign-key violation), is rolled back to its savepoint, the rest commit.
 *   <li>{@code retry+fail}: no savepoints; the failure rolls the whole transaction back, and the batch
 *       runs again without the failed request.
 * </ul>
 *
 * With a batch of 1 the server runs no savepoint, and a failure has nothing to retry: that row shows the
 * bare cost of the statements. Modes are measured in interleaved rounds and the median round is reported, so that the noise of a
 * shared machine (and fsync times) hits every mode alike.
 *
 * <p>usage: SavepointVsRetry DB_FILE ROUND_S ROUNDS N...
 */
public final class SavepointVsRetry {
  private static final String[] MODES = {"plain", "savepoint", "savepoint+fail", "retry+fail"};

  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement rollback;
  private final PreparedStatement savepoint;
  private final PreparedStatement release;
  private final PreparedStatement rollbackTo;
  private final PreparedStatement insert;
  private final PreparedStatement history;
  private final SplittableRandom random = new SplittableRandom(42);

  private SavepointVsRetry(Connection c) throws SQLException {
    begin = c.prepareStatement("BEGIN IMMEDIATE");
    commit = c.prepareStatement("COMMIT");
    rollback = c.prepareStatement("ROLLBACK");
    savepoint = c.prepareStatement("SAVEPOINT request");
    release = c.prepareStatement("RELEASE request");
    rollbackTo = c.prepareStatement("ROLLBACK TO request");
    insert = c.prepareStatement(JdbcCeiling.INSERT);
    history = c.prepareStatement(JdbcCeiling.INSERT_HISTORY);
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    double roundSeconds = Double.parseDouble(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int[] sizes = Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray();
    try (Connection c = Sqlite.open(file, "FULL", Sqlite.BUSY_TIMEOUT_MS)) {
      Migrations.up(c, Migrations.latest(), line -> { });
      String tempStore = System.getProperty("bench.temp_store");
      if (tempStore != null) {
        try (var st = c.createStatement()) {
          st.execute("PRAGMA temp_store=" + tempStore);
        }
      }
      SavepointVsRetry bench = new SavepointVsRetry(c);
      for (String mode : MODES) {
        bench.measure(mode, 16, 0.3);
      }
      System.out.println("savepoint-vs-retry (synchronous=FULL, temp_store=" + (tempStore == null ? "DEFAULT" : tempStore) + "; µs per request, median of " + rounds + " rounds of "
          + roundSeconds + " s per mode)");
      System.out.printf("%6s %9s %10s %15s %11s %12s %16s %15s %11s%n", "batch", "plain", "savepoint",
          "savepoint+fail", "retry+fail", "sp_cost/req", "retry_cost/fail", "sp_cost/fail", "break_even");
      for (int n : sizes) {
        double[][] perRequest = new double[MODES.length][rounds];
        for (int r = 0; r < rounds; r++) {
          for (int m = 0; m < MODES.length; m++) {
            perRequest[m][r] = bench.measure(MODES[m], n, roundSeconds);
          }
        }
        double[] med = new double[MODES.length];
        for (int m = 0; m < MODES.length; m++) {
          Arrays.sort(perRequest[m]);
          med[m] = perRequest[m][rounds / 2];
        }
        // Savepoints cost spCost on every request and spPerFailure on each failure; retry costs nothing
        // until a request fails, then retryPerFailure. Savepoints win above breakEven failures per request.
        double spCost = med[1] - med[0];
        double spPerFailure = (med[2] - med[1]) * n;
        double retryPerFailure = (med[3] - med[0]) * n;
        String breakEven = n == 1 ? "-" : String.format("%.2f%%", 100 * spCost / (retryPerFailure - spPerFailure));
        System.out.printf("%6d %9.1f %10.1f %15.1f %11.1f %12.1f %16.0f %15.0f %11s%n",
            n, med[0], med[1], med[2], med[3], spCost, retryPerFailure, spPerFailure, breakEven);
      }
    }
  }

  /** Runs batches of {@code n} in {@code mode} for about {@code seconds}; returns µs per request. */
  private double measure(String mode, int n, double seconds) throws SQLException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    long requests = 0;
    do {
      int failing = mode.endsWith("fail") ? random.nextInt(n) : -1;
      switch (mode) {
        case "plain" -> plain(n, -1);
        case "savepoint", "savepoint+fail" -> withSavepoints(n, failing);
        case "retry+fail" -> retry(n, failing);
        default -> throw new IllegalArgumentException(mode);
      }
      requests += n;
    } while (System.nanoTime() < end);
    return (System.nanoTime() - start) / 1e3 / requests;
  }

  private void plain(int n, int skip) throws SQLException {
    begin.execute();
    for (int i = 0; i < n; i++) {
      if (i != skip) {
        create(false);
      }
    }
    commit.execute();
  }

  private void withSavepoints(int n, int failing) throws SQLException {
    begin.execute();
    for (int i = 0; i < n; i++) {
      savepoint.execute();
      try {
        create(i == failing);
        release.execute();
      } catch (SQLException e) {
        rollbackTo.execute();
        release.execute();
      }
    }
    commit.execute();
  }

  private void retry(int n, int failing) throws SQLException {
    begin.execute();
    for (int i = 0; i < n; i++) {
      try {
        create(i == failing);
      } catch (SQLException e) {
        rollback.execute();
        plain(n, i);
        return;
      }
    }
    commit.execute();
  }

  /** The server's create; a failing one inserts its workflow, then a history row that breaks a foreign key. */
  private void create(boolean fail) throws SQLException {
    String id = UUID.randomUUID().toString();
    String now = Timestamps.now();
    insert.setString(1, id);
    insert.setString(2, "bench-savepoint");
    insert.setString(3, "pending");
    insert.setString(4, JdbcCeiling.DATA);
    insert.setString(5, now);
    insert.setString(6, now);
    insert.executeUpdate();
    history.setString(1, fail ? "no-such-workflow" : id);
    history.setString(2, "pending");
    history.setString(3, null);
    history.setString(4, "workflow created");
    history.setString(5, now);
    history.executeUpdate();
  }
}
