package dev.agentstore.bench;

import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.store.Database;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one point read (a workflow by id) through each path the store could take, on one
 * thread, one query at a time, on a real SQLite file behind the store's own Agroal pool:
 * plain JDBC with a reused PreparedStatement, plain JDBC preparing per query on a pooled connection
 * (what the readers do), and vertx-jdbc-client's Pool over the same DataSource. Prints CPU µs per
 * query (the whole process's CPU time, so the Pool's worker threads count too) and wall µs per query.
 *
 * <p>Usage: JdbcPathCost DIR [queries]
 */
public final class JdbcPathCost {
    /**
     * The timestamps are cast to text for all three paths: vertx-jdbc-client decodes a column declared
     * TIMESTAMP as a LocalDateTime and fails on the store's own values ('2026-01-01T00:00:00.000Z').
     */
    static final String SQL = "SELECT id, workflow_name, status, current_step, data, error_message,"
            + " CAST(created_at AS TEXT), CAST(updated_at AS TEXT), CAST(completed_at AS TEXT)"
            + " FROM workflow_states WHERE id = ?";

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        DatabaseConfig cfg = new DatabaseConfig(
                "workflow", dir.resolve("cost.db"), 2, 0, 30, 3600, 60, 0, "NORMAL", 256, 10_000, 10_000, 60_000);
        List<String> ids = new ArrayList<>();
        try (Database db = Database.open(cfg)) {
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement ins = c.prepareStatement(
                            "INSERT INTO workflow_states (id, workflow_name, status, data,"
                                    + " created_at, updated_at) VALUES (?, 'cost', 'pending', '{\"k\":1}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')")) {
                c.setAutoCommit(false);
                for (int i = 0; i < 1000; i++) {
                    String id = UUID.randomUUID().toString();
                    ids.add(id);
                    ins.setString(1, id);
                    ins.executeUpdate();
                }
                c.commit();
                c.setAutoCommit(true);
            }
            for (int round = 0; round < 2; round++) { // the first round warms the JIT up
                boolean print = round == 1;
                measure("plain JDBC, reused PreparedStatement", n, print, () -> {
                    try (Connection c = db.dataSource().getConnection();
                            PreparedStatement ps = c.prepareStatement(SQL)) {
                        for (int i = 0; i < n; i++) {
                            ps.setString(1, ids.get(i % ids.size()));
                            try (ResultSet rs = ps.executeQuery()) {
                                consume(rs);
                            }
                        }
                    }
                });
                measure("plain JDBC, pooled connection + prepare per query", n, print, () -> {
                    for (int i = 0; i < n; i++) {
                        try (Connection c = db.dataSource().getConnection();
                                PreparedStatement ps = c.prepareStatement(SQL)) {
                            ps.setString(1, ids.get(i % ids.size()));
                            try (ResultSet rs = ps.executeQuery()) {
                                consume(rs);
                            }
                        }
                    }
                });
                Vertx vertx = Vertx.vertx();
                Pool pool = JDBCPool.pool(vertx, db.dataSource(), new PoolOptions().setMaxSize(1));
                int m = n / 5;
                measure("vertx-jdbc-client Pool.preparedQuery", m, print, () -> {
                    for (int i = 0; i < m; i++) {
                        pool.preparedQuery(SQL)
                                .execute(Tuple.of(ids.get(i % ids.size())))
                                .toCompletionStage()
                                .toCompletableFuture()
                                .get(10, TimeUnit.SECONDS);
                    }
                });
                pool.close();
                vertx.close().toCompletionStage().toCompletableFuture().get();
            }
        }
        System.exit(0);
    }

    interface Body {
        void run() throws Exception;
    }

    static void consume(ResultSet rs) throws Exception {
        while (rs.next()) {
            for (int c = 1; c <= 9; c++) {
                rs.getString(c);
            }
        }
    }

    static void measure(String name, int n, boolean print, Body body) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        body.run();
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        if (print) {
            System.out.printf(
                    "%-52s %8d queries  %7.1f CPU µs/query  %7.1f wall µs/query%n",
                    name, n, cpu / 1e3 / n, wall / 1e3 / n);
        }
    }
}
