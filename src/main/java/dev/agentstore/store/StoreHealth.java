package dev.agentstore.store;

import dev.agentstore.store.migration.SchemaVersionSql;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Health of each database. The probe query runs through vertx-jdbc-client's Pool over the same Agroal
 * DataSource, not through the reader threads, so a health check answers even when the readers are
 * saturated; its cost (about 200 µs a query) does not matter at probe rates.
 */
final class StoreHealth {
    private static final Logger LOG = Logger.getLogger(StoreHealth.class.getName());
    static final long QUERY_TIMEOUT_MS = 2_000;
    static final long WRITER_STUCK_MS = 30_000;

    private final Vertx vertx;
    private final Map<String, Database> databases;
    private final Map<String, Pool> probes = new LinkedHashMap<>();

    StoreHealth(Vertx vertx, Map<String, Database> databases) {
        this.vertx = vertx;
        this.databases = databases;
        databases.forEach((name, db) -> probes.put(
                name,
                JDBCPool.pool(
                        vertx,
                        db.dataSource(),
                        new PoolOptions()
                                .setMaxSize(1)
                                // hand the connection back to Agroal between probes: a held one is a read connection
                                // lost
                                .setIdleTimeout(1)
                                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                                .setPoolCleanerPeriod(500)
                                .setName("probe-" + name))));
    }

    /** Always succeeds: {@code status} is healthy when every database is, degraded otherwise. */
    Future<JsonObject> check() {
        List<Future<JsonObject>> checks = new ArrayList<>();
        databases.forEach((name, db) -> checks.add(check(name, db)));
        return Future.join(checks).transform(ignored -> {
            JsonObject dbs = new JsonObject();
            boolean healthy = true;
            for (int i = 0; i < checks.size(); i++) {
                JsonObject r = checks.get(i).result();
                healthy &= "healthy".equals(r.getString("status"));
                dbs.put(r.getString("name"), r.copy());
                dbs.getJsonObject(r.getString("name")).remove("name");
            }
            return Future.succeededFuture(new JsonObject()
                    .put("status", healthy ? "healthy" : "degraded")
                    .put("database", healthy ? "connected" : "unavailable")
                    .put("databases", dbs)
                    .put("timestamp", Timestamps.now()));
        });
    }

    private Future<JsonObject> check(String name, Database db) {
        Path file = db.config().path().toAbsolutePath();
        JsonObject result = new JsonObject().put("name", name).put("path", file.toString());
        String problem = db.fileProblem();
        if (problem == null && !(Files.isReadable(file) && Files.isWritable(file))) {
            problem = "the database file is not readable and writable";
        }
        if (problem == null) {
            problem = db.writerFailure(); // the probe query only reads: it would pass on a full disk
        }
        if (problem == null && db.writerStuck(WRITER_STUCK_MS)) {
            problem = "the writer has made no progress for " + WRITER_STUCK_MS + " ms";
        }
        if (problem != null) {
            return Future.succeededFuture(degraded(result, problem, db));
        }
        return probes.get(name)
                .query(SchemaVersionSql.CURRENT_VERSION)
                .execute()
                .timeout(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .map(rows -> result.put("status", "healthy")
                        .put("schema_version", rows.iterator().next().getInteger(0))
                        .put("pool_stats", db.stats()))
                .otherwise(err -> {
                    LOG.warning("database " + name + ": the health probe failed: " + err);
                    return degraded(
                            result, "the probe query failed or did not answer within " + QUERY_TIMEOUT_MS + " ms", db);
                });
    }

    private static JsonObject degraded(JsonObject result, String problem, Database db) {
        return result.put("status", "degraded").put("error", problem).put("pool_stats", db.stats());
    }

    void close() {
        probes.values().forEach(Pool::close);
    }
}
