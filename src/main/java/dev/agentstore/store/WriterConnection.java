package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import dev.agentstore.store.GroupCommitWriter.Connector;
import dev.agentstore.store.GroupCommitWriter.Task;
import dev.agentstore.store.WriteOutcome.Failed;
import dev.agentstore.store.WriteOutcome.Ok;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The writer's own connection, with the statements it keeps prepared, reopened past pool_recycle or
 * after an error broke it; and the transaction that writes one batch on it. Only the writer thread uses it.
 */
final class WriterConnection implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WriterConnection.class.getName());

    private final String name;
    private final Connector connector;
    private final long recycleNanos;
    private final WriterStats stats;
    private final WriterHealth health;

    private Session session;
    private long openedAt;

    /** Told of the changes of each transaction after its COMMIT; null: nobody listens. */
    private volatile Changes.Listener listener;

    void listen(Changes.Listener listener) {
        this.listener = listener;
    }

    WriterConnection(String name, Connector connector, long recycleNanos, WriterStats stats, WriterHealth health) {
        this.name = name;
        this.connector = connector;
        this.recycleNanos = recycleNanos;
        this.stats = stats;
        this.health = health;
    }

    /**
     * Writes {@code batch} in one transaction: BEGIN IMMEDIATE, each request, COMMIT. Nothing is answered
     * here: the outcomes are sent by the caller, after COMMIT returned.
     */
    WriteOutcome[] transaction(List<Task> batch) {
        WriteOutcome[] outcomes = new WriteOutcome[batch.size()];
        String step = "begin";
        try {
            Session s = session();
            s.execute("BEGIN IMMEDIATE");
            step = "commit";
            long rows = runAll(s, batch, outcomes);
            if (Arrays.stream(outcomes).anyMatch(WriteOutcome::ok)) {
                Changes.flush(s); // the change rows of the batch, in one statement (Changes)
                s.execute("COMMIT");
                stats.transactionCommitted(rows);
                health.succeeded();
                List<Changes.Change> changes = s.takeChanges();
                Changes.Listener l = listener;
                if (!changes.isEmpty() && l != null) {
                    l.committed(changes);
                }
            } else {
                rollback(); // nothing to keep; a batch of one that failed is undone here
            }
        } catch (SQLException e) {
            abort();
            fill(outcomes, broken(e, step));
        }
        return outcomes;
    }

    /**
     * Runs each request. A batch of one has nothing to isolate and runs without a savepoint (each costs
     * statements and journal work), so when it fails the whole transaction is rolled back instead.
     *
     * @return the rows written by the requests that succeeded
     */
    private long runAll(Session s, List<Task> batch, WriteOutcome[] outcomes) throws SQLException {
        boolean savepoints = batch.size() > 1;
        long now = System.nanoTime();
        long rows = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (now - batch.get(i).deadlineNanos > 0) {
                // Checked once the write lock is held: the wait for it counts. Its client is told 503 anyway.
                outcomes[i] =
                        new Failed(Failures.UNAVAILABLE, "the write waited too long and was not written, retry later");
                continue;
            }
            if (savepoints) {
                s.execute("SAVEPOINT request");
            }
            Session.Mark changes = s.changesMark();
            outcomes[i] = attempt(s, batch.get(i).work);
            long written = s.takeRowsWritten();
            if (outcomes[i].ok()) {
                rows += written;
            } else {
                s.dropChanges(changes); // a batch of one is rolled back as a whole: its changes go with it
                if (savepoints) {
                    s.execute("ROLLBACK TO request");
                }
            }
            if (savepoints) {
                s.execute("RELEASE request");
            }
        }
        return rows;
    }

    private WriteOutcome attempt(Session s, Work work) {
        try {
            return new Ok(work.run(s));
        } catch (StoreException e) {
            return Failed.of(e);
        } catch (SQLException e) {
            recordStorageFailure(e);
            StoreException se = SqliteErrors.classify(e);
            if (se.code() == Failures.INTERNAL) {
                LOG.log(Level.SEVERE, "write statement failed in database " + name, e);
            }
            return Failed.of(se);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "write request failed in database " + name, e);
            return new Failed(Failures.INTERNAL, "internal error");
        }
    }

    /** The transaction as a whole failed: a request keeps its own failure, every other one gets {@code failure}. */
    private static void fill(WriteOutcome[] outcomes, Failed failure) {
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = outcomes[i] instanceof Failed own ? own : failure;
        }
    }

    private Failed broken(SQLException e, String step) {
        recordStorageFailure(e);
        LOG.warning("writer of database " + name + " failed at " + step + "; nothing of the batch was written: "
                + e.getMessage());
        StoreException se = SqliteErrors.classify(e);
        return se.code() == Failures.INTERNAL
                ? new Failed(Failures.UNAVAILABLE, "the write was not committed, retry later")
                : Failed.of(se);
    }

    private void recordStorageFailure(SQLException e) {
        String cause = SqliteErrors.storageFailure(e);
        if (cause != null) {
            health.failed(cause);
        }
    }

    /**
     * A write that changes no data, to learn whether the storage takes writes again when no client
     * writes: {@code user_version} (which nothing of agent-store or the Python implementation uses) read
     * and written back unchanged under the write lock. SQLite still appends page 1 to the WAL and syncs
     * it at COMMIT, the same path as a client's commit; {@code BEGIN IMMEDIATE; ROLLBACK} would touch
     * no disk and prove nothing.
     */
    void probe() {
        try {
            Session s = session();
            s.execute("BEGIN IMMEDIATE");
            int version;
            try (ResultSet rs = s.prepare("PRAGMA user_version").executeQuery()) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            s.execute("PRAGMA user_version = " + version);
            s.execute("COMMIT");
            health.succeeded();
        } catch (SQLException e) {
            abort();
            health.failed(SqliteErrors.storageFailure(e)); // busy (a lock held elsewhere): the last cause stands
        }
    }

    private Session session() throws SQLException {
        if (session != null && System.nanoTime() - openedAt > recycleNanos) {
            closeSession();
        }
        if (session == null) {
            session = new Session(connector.open());
            openedAt = System.nanoTime();
            stats.connectionOpened();
        }
        return session;
    }

    /** The one way a transaction ends without COMMIT; a connection that cannot even roll back is closed. */
    private void rollback() {
        if (session == null) {
            return;
        }
        session.dropChanges(new Session.Mark(0, 0));
        try {
            session.execute("ROLLBACK");
        } catch (SQLException e) {
            // no transaction was open, or the connection is gone: either way it is not to be trusted
            closeSession();
        }
    }

    /** After a statement failed mid-transaction or an unexpected error: roll back, and start afresh next time. */
    void abort() {
        rollback();
        closeSession();
    }

    @Override
    public void close() {
        closeSession();
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                LOG.fine("closing writer connection: " + e.getMessage());
            }
            session = null;
        }
    }
}
