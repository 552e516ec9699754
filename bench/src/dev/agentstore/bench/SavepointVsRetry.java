package dev.agentstore.bench;

import dev.agentstore.store.Sqlite;
import dev.agentstore.store.Timestamps;
import dev.agentstore.store.migration.Migrations;
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
 * The modes take turns batch by batch, so that the noise of a shared machine hits each alike. The
 * time inside the transaction (BEGIN to just before COMMIT) is measured apart from the COMMIT, which
 * syncs the WAL and costs the same for every mode: the strategies differ only inside the transaction,
 * and fsync times, which swing widely on a shared disk, would otherwise drown the difference.
 *
 * <p>usage: SavepointVsRetry DB_FILE SECONDS_PER_SIZE N...
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
        double seconds = Double.parseDouble(args[1]);
        int[] sizes =
                Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray();
        try (Connection c = Sqlite.open(file, "FULL", Sqlite.BUSY_TIMEOUT_MS)) {
            Migrations migrations = Migrations.classpath();
            migrations.up(c, migrations.latest(), line -> {});
            String tempStore = System.getProperty("bench.temp_store");
            if (tempStore != null) {
                try (var st = c.createStatement()) {
                    st.execute("PRAGMA temp_store=" + tempStore);
                }
            }
            SavepointVsRetry bench = new SavepointVsRetry(c);
            bench.measure(16, 1.0);
            System.out.println("savepoint-vs-retry (synchronous=FULL, temp_store="
                    + (tempStore == null ? "DEFAULT" : tempStore)
                    + "): µs per request inside the transaction, mean over the batches of " + seconds + " s per size;");
            System.out.println(
                    "the COMMIT (WAL sync), the same for every mode, is apart in the last column, µs per batch");
            System.out.printf(
                    "%6s %8s %10s %15s %11s %12s %16s %13s %11s %10s%n",
                    "batch",
                    "plain",
                    "savepoint",
                    "savepoint+fail",
                    "retry+fail",
                    "sp_cost/req",
                    "retry_cost/fail",
                    "sp_cost/fail",
                    "break_even",
                    "commit");
            for (int n : sizes) {
                double[] perRequest = bench.measure(n, seconds);
                // Savepoints cost spCost on every request and spPerFailure on each failure; retry costs nothing
                // until a request fails, then retryPerFailure. Savepoints win above breakEven failures per request.
                double spCost = perRequest[1] - perRequest[0];
                double spPerFailure = (perRequest[2] - perRequest[1]) * n;
                double retryPerFailure = (perRequest[3] - perRequest[0]) * n;
                System.out.printf(
                        "%6d %8.1f %10.1f %15.1f %11.1f %12.1f %16.0f %13.0f %10.2f%% %10.0f%n",
                        n,
                        perRequest[0],
                        perRequest[1],
                        perRequest[2],
                        perRequest[3],
                        spCost,
                        retryPerFailure,
                        spPerFailure,
                        100 * spCost / (retryPerFailure - spPerFailure),
                        perRequest[4]);
            }
        }
    }

    /**
     * Runs batches of {@code n}, the modes in turn, for about {@code seconds}. Returns each mode's µs per
     * request inside the transaction, then the mean COMMIT time per batch in µs.
     */
    private double[] measure(int n, double seconds) throws SQLException {
        long[] inside = new long[MODES.length];
        long commits = 0;
        long batches = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            for (int m = 0; m < MODES.length; m++) {
                int failing = MODES[m].endsWith("fail") ? random.nextInt(n) : -1;
                long t0 = System.nanoTime();
                switch (MODES[m]) {
                    case "plain" -> plain(n, -1);
                    case "savepoint", "savepoint+fail" -> withSavepoints(n, failing);
                    default -> retry(n, failing);
                }
                long t1 = System.nanoTime();
                commit.execute();
                commits += System.nanoTime() - t1;
                inside[m] += t1 - t0;
            }
            batches++;
        } while (System.nanoTime() < end);
        double[] result = new double[MODES.length + 1];
        for (int m = 0; m < MODES.length; m++) {
            result[m] = inside[m] / 1e3 / batches / n;
        }
        result[MODES.length] = commits / 1e3 / batches / MODES.length;
        return result;
    }

    /** BEGIN and the batch, skipping request {@code skip}; the caller commits. */
    private void plain(int n, int skip) throws SQLException {
        begin.execute();
        for (int i = 0; i < n; i++) {
            if (i != skip) {
                create(false);
            }
        }
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
    }

    /** Without savepoints: a failure rolls everything back, and the batch runs again without it. */
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
