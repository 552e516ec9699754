package dev.agentstore.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Deletes the rows of a table that grows at its end (idempotency keys, the change feed) once they are older than
 * their retention: every {@code intervalMs}, in write requests of at most {@code batchRows} rows each, one after the
 * other, so that a purge never holds the writer for long. Its statement takes the batch size and the cutoff
 * (milliseconds since the epoch), deletes expired rows among the oldest {@code batchRows} and stops at a step that
 * deletes fewer: a clock that went back never makes it scan the whole table on the writer.
 */
public final class TablePurge {
    private static final Logger LOG = Logger.getLogger(TablePurge.class.getName());

    private final Vertx vertx;
    private final Database db;
    private final String what;
    private final String sql;
    private final Duration retention;
    private final int batchRows;
    private final long intervalMs;
    private volatile boolean closed;
    private long timer = -1;

    TablePurge(Vertx vertx, Database db, String what, String sql, Duration retention, int batchRows, long intervalMs) {
        this.vertx = vertx;
        this.db = db;
        this.what = what;
        this.sql = sql;
        this.retention = retention;
        this.batchRows = batchRows;
        this.intervalMs = intervalMs;
    }

    public void start() {
        schedule();
    }

    private void schedule() {
        if (!closed) {
            timer = vertx.setTimer(
                    intervalMs,
                    id -> purge(System.currentTimeMillis() - retention.toMillis())
                            .onComplete(ar -> schedule()));
        }
    }

    /**
     * Deletes the rows written before {@code cutoff} (milliseconds since the epoch) from the start of the table.
     *
     * @return the rows deleted; a failure is logged, and the next run tries again
     */
    Future<Long> purge(long cutoff) {
        Promise<Long> done = Promise.promise();
        step(cutoff, 0, done);
        return done.future();
    }

    private void step(long cutoff, long deletedSoFar, Promise<Long> done) {
        if (closed) {
            done.complete(deletedSoFar);
            return;
        }
        db.write(s -> new JsonObject().put("deleted", s.update(s.prepare(sql, batchRows, cutoff))), new Reply() {
            @Override
            public void ok(JsonObject body) {
                int deleted = body.getInteger("deleted");
                long total = deletedSoFar + deleted;
                vertx.runOnContext(v -> {
                    if (deleted == batchRows) {
                        step(cutoff, total, done);
                    } else {
                        done.complete(total);
                    }
                });
            }

            @Override
            public void fail(int code, String message) {
                LOG.warning("purge of " + what + " of database " + db.config().name() + " failed, tried again later: "
                        + message);
                vertx.runOnContext(v -> done.fail(message));
            }
        });
    }

    public void close() {
        closed = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
