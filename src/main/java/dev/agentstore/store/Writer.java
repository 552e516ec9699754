package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single writer of one database, with group commit. SQLite admits one writer at a time, so instead
 * of letting pooled connections queue on the file lock, write requests queue here and one thread takes
 * everything waiting (up to {@code batchMax}) into one {@code BEGIN IMMEDIATE} transaction. Each request
 * runs inside its own SAVEPOINT, so one that fails (a 409, a constraint) is rolled back alone and the
 * others commit. A request is answered only after COMMIT returned: acknowledged means on disk (with
 * synchronous=FULL).
 */
public final class Writer {
    private static final Logger LOG = Logger.getLogger(Writer.class.getName());

    /** Opens the writer's connection; called again after a recycle or an error that broke it. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** One write request; {@code deadlineNanos}: past it, its client has been told 503 and it is not run. */
    private static final class Task {
        final Work work;
        final Reply reply;
        final long deadlineNanos;
        /** Set once a reply or a failure was sent; only the writer thread touches it while in a batch. */
        boolean answered;

        Task(Work work, Reply reply, long deadlineNanos) {
            this.work = work;
            this.reply = reply;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final String name;
    private final Connector connector;
    private final java.util.function.Supplier<String> fileProblem;

    private final long recycleNanos;
    private final int batchMax;
    private final long taskTimeoutNanos;
    private final BlockingQueue<Task> queue;
    /** Requests accepted and not yet answered: waiting in the queue or in the transaction being written. */
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();

    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean abandoned;

    private Session session;
    private long openedAt;

    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private volatile int largestBatch;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile int inProgress;

    /**
     * @param fileProblem checked before each transaction: null when the database file is usable, else
     *     why not (deleted, replaced); the batch then fails with 503 rather than write to a lost file
     * @param taskTimeoutMs a request still waiting after this long is failed with 503 and never run: its
     *     client has timed out and was told to retry, so writing it later would write it twice
     */
    public Writer(
            String name,
            Connector connector,
            java.util.function.Supplier<String> fileProblem,
            long recycleSeconds,
            int batchMax,
            int queueCapacity,
            long taskTimeoutMs) {
        this.name = name;
        this.connector = connector;
        this.fileProblem = fileProblem;
        this.recycleNanos = TimeUnit.SECONDS.toNanos(recycleSeconds);
        this.batchMax = batchMax;
        this.taskTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(taskTimeoutMs);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(this::loop, "agentstore-writer-" + name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Queues a write; when the queue is full or the writer is stopping, fails it at once with 503. */
    public void submit(Work work, Reply reply) {
        if (stopping) {
            reply.fail(Failures.UNAVAILABLE, "the store is shutting down");
            return;
        }
        pending.incrementAndGet();
        if (!queue.offer(new Task(work, reply, System.nanoTime() + taskTimeoutNanos))) {
            pending.decrementAndGet();
            rejected.incrementAndGet();
            reply.fail(Failures.UNAVAILABLE, "the write queue is full, retry later");
        }
    }

    /**
     * Stops taking writes, commits everything already queued, then closes the connection. Waits at most
     * {@code timeoutMs}; anything still queued after that is failed with 503, never dropped silently.
     */
    public void stop(long timeoutMs) throws InterruptedException {
        stopping = true;
        thread.join(Math.max(1, timeoutMs));
        failQueued("the store is shutting down");
    }

    /**
     * Stops taking writes and fails the queued ones with 503 without writing them, keeping the
     * connection open: for a database whose file is gone, where closing would touch another file.
     */
    public void abandon() {
        abandoned = true;
        stopping = true;
        thread.interrupt();
        failQueued("the database is not available");
    }

    /** Fails with 503 whatever is still queued: nothing is dropped silently. */
    private void failQueued(String message) {
        List<Task> left = new ArrayList<>();
        queue.drainTo(left);
        for (Task t : left) {
            if (answer(t)) {
                t.reply.fail(Failures.UNAVAILABLE, message);
            }
        }
    }

    public JsonObject stats() {
        return new JsonObject()
                .put("queue_depth", queue.size())
                .put("pending", pending.get())
                .put("batch_in_progress", inProgress)
                .put("queue_capacity", queue.size() + queue.remainingCapacity())
                .put("transactions", transactions.get())
                .put("requests_committed", committed.get())
                .put("requests_failed", failed.get())
                .put("requests_rejected", rejected.get())
                .put("rows_written", rowsWritten.get())
                .put("largest_batch", largestBatch)
                .put("connections_opened", connectionsOpened.get());
    }

    /** True when requests wait and the writer has made no progress for {@code stuckMs}. */
    public boolean isStuck(long stuckMs) {
        boolean waiting = inProgress > 0 || !queue.isEmpty();
        return waiting && System.nanoTime() - lastProgressNanos > TimeUnit.MILLISECONDS.toNanos(stuckMs);
    }

    private void loop() {
        List<Task> batch = new ArrayList<>(batchMax);
        try {
            while (true) {
                Task first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    lastProgressNanos = System.nanoTime();
                    if (stopping) {
                        break;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchMax - 1);
                inProgress = batch.size();
                try {
                    commit(batch);
                } catch (RuntimeException | Error e) {
                    // The thread must live on: a dead writer would leave every write unanswered until its timeout.
                    LOG.log(Level.SEVERE, "writer of database " + name + " failed; the batch was not committed", e);
                    closeSession();
                    failUnanswered(batch);
                }
                batch.clear();
                inProgress = 0;
                lastProgressNanos = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!abandoned) {
                closeSession();
            }
        }
    }

    private void commit(List<Task> batch) {
        largestBatch = Math.max(largestBatch, batch.size());
        Object[] outcomes = new Object[batch.size()];
        String problem = fileProblem.get();
        if (problem != null) {
            failAll(
                    batch,
                    outcomes,
                    new StoreException(Failures.UNAVAILABLE, "the database is not available: " + problem));
            return;
        }
        Session s;
        try {
            s = session();
            s.execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            closeSession();
            failAll(batch, outcomes, broken(e, "begin"));
            return;
        }
        boolean single = batch.size() == 1;
        try {
            long now = System.nanoTime();
            for (int i = 0; i < batch.size(); i++) {
                if (now - batch.get(i).deadlineNanos > 0) {
                    // Checked once the write lock is held: the wait for it counts. Its client is told 503 anyway.
                    outcomes[i] = new StoreException(
                            Failures.UNAVAILABLE, "the write waited too long and was not written, retry later");
                    if (single) {
                        s.execute("ROLLBACK");
                        finish(batch, outcomes);
                        return;
                    }
                    continue;
                }
                if (!single) {
                    s.execute("SAVEPOINT request");
                }
                try {
                    outcomes[i] = batch.get(i).work.run(s);
                    if (!single) {
                        s.execute("RELEASE request");
                    }
                } catch (StoreException e) {
                    outcomes[i] = e;
                } catch (SQLException e) {
                    outcomes[i] = requestFailure(e);
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "write request failed in database " + name, e);
                    outcomes[i] = new StoreException(Failures.INTERNAL, "internal error");
                }
                if (outcomes[i] instanceof StoreException) {
                    if (single) {
                        s.execute("ROLLBACK");
                        s.takeRowsWritten();
                        finish(batch, outcomes);
                        return;
                    }
                    s.execute("ROLLBACK TO request");
                    s.execute("RELEASE request");
                }
            }
            s.execute("COMMIT");
            rowsWritten.addAndGet(s.takeRowsWritten());
            transactions.incrementAndGet();
        } catch (SQLException e) {
            rollbackQuietly(s);
            closeSession();
            failAll(batch, outcomes, broken(e, "commit"));
            return;
        }
        finish(batch, outcomes);
    }

    private void finish(List<Task> batch, Object[] outcomes) {
        for (int i = 0; i < batch.size(); i++) {
            Reply reply = batch.get(i).reply;
            if (!answer(batch.get(i))) {
                continue;
            }
            if (outcomes[i] instanceof StoreException e) {
                failed.incrementAndGet();
                reply.fail(e.code(), e.getMessage());
            } else {
                committed.incrementAndGet();
                reply.ok((JsonObject) outcomes[i]);
            }
        }
    }

    /** Marks {@code t} answered; false if it already was (a batch that failed half-way through its replies). */
    private boolean answer(Task t) {
        if (t.answered) {
            return false;
        }
        t.answered = true;
        pending.decrementAndGet();
        return true;
    }

    /** After an unexpected failure: every task of the batch not yet answered is told so. */
    private void failUnanswered(List<Task> batch) {
        for (Task t : batch) {
            if (answer(t)) {
                t.reply.fail(
                        Failures.INTERNAL, "the store failed while writing; the write may not have been committed");
            }
        }
    }

    /** The transaction as a whole failed: nothing of the batch was written, every request is told so. */
    private void failAll(List<Task> batch, Object[] outcomes, StoreException e) {
        for (int i = 0; i < batch.size(); i++) {
            outcomes[i] = outcomes[i] instanceof StoreException own ? own : e;
        }
        finish(batch, outcomes);
    }

    private StoreException requestFailure(SQLException e) {
        StoreException se = SqliteErrors.classify(e);
        if (se.code() == Failures.INTERNAL) {
            LOG.log(Level.SEVERE, "write statement failed in database " + name, e);
        }
        return se;
    }

    private StoreException broken(SQLException e, String step) {
        LOG.log(
                Level.WARNING,
                "writer of database " + name + " failed at " + step + "; nothing of the batch was written: "
                        + e.getMessage());
        StoreException se = SqliteErrors.classify(e);
        return se.code() == Failures.INTERNAL
                ? new StoreException(Failures.UNAVAILABLE, "the write was not committed, retry later")
                : se;
    }

    private Session session() throws SQLException {
        if (session != null && System.nanoTime() - openedAt > recycleNanos) {
            closeSession();
        }
        if (session == null) {
            session = new Session(connector.open());
            openedAt = System.nanoTime();
            connectionsOpened.incrementAndGet();
        }
        return session;
    }

    private void rollbackQuietly(Session s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was open, or the connection is gone: closeSession follows either way
        }
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
