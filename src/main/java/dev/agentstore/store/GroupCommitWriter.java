package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.DatabaseConfig;
import dev.agentstore.store.WriteOutcome.Failed;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single writer of one database, with group commit. SQLite admits one writer at a time, so instead
 * of letting pooled connections queue on the file lock, write requests queue here and one thread takes
 * everything waiting (up to {@code writer_batch_max}) into one {@code BEGIN IMMEDIATE} transaction. Each
 * request of a batch runs inside its own SAVEPOINT, so one that fails (a 409, a constraint) is rolled back
 * alone and the others commit. A request is answered only after COMMIT returned: acknowledged means on
 * disk (with synchronous=FULL).
 */
public final class GroupCommitWriter {
    private static final Logger LOG = Logger.getLogger(GroupCommitWriter.class.getName());

    /** Opens the writer's connection; called again after a recycle or an error that broke it. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** One write request; past {@code deadlineNanos} its client has been told 503 and it is not run. */
    static final class Task {
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
    private final WriterFiles files;
    private final int batchMax;
    private final long taskTimeoutNanos;
    private final BlockingQueue<Task> queue;
    /** Requests accepted and not yet answered: waiting in the queue or in the transaction being written. */
    private final AtomicInteger pending = new AtomicInteger();

    private final WriterStats stats = new WriterStats();
    private final WriterHealth health;
    private final WriterConnection connection;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean abandoned;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile int inProgress;
    /** Null without metrics; set once by {@link #measure}, read by the writer thread. */
    private volatile DistributionSummary batchSizes;

    private volatile Timer commits;

    /**
     * @param file checked before and after each transaction: a batch fails with 503 rather than be
     *     written into a file that is gone, and a -wal gone has its WAL saved into the main file
     */
    GroupCommitWriter(DatabaseConfig config, Connector connector, DatabaseFile file) {
        this.name = config.name();
        this.files = new WriterFiles(name, file);
        this.health = new WriterHealth(name);
        this.connection =
                new WriterConnection(name, connector, TimeUnit.SECONDS.toNanos(config.poolRecycleS()), stats, health);
        this.batchMax = config.writerBatchMax();
        // A request still waiting after this long is failed with 503 and never run: its client has timed out and
        // was told to retry, so writing it later would write it twice.
        this.taskTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.writeTimeoutMs());
        this.queue = new ArrayBlockingQueue<>(config.writerQueueCapacity());
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
            stats.rejected();
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

    private void failQueued(String message) {
        List<Task> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(t -> answer(t, new Failed(Failures.UNAVAILABLE, message)));
    }

    /** Records each batch's size and each transaction's duration from now on. */
    void measure(DistributionSummary batchSizes, Timer commits) {
        this.batchSizes = batchSizes;
        this.commits = commits;
    }

    /** {@code listener} is told of each transaction's changes after its COMMIT, on the writer thread. */
    void listen(Changes.Listener listener) {
        connection.listen(listener);
    }

    int queueDepth() {
        return queue.size();
    }

    int queueCapacity() {
        return queue.size() + queue.remainingCapacity();
    }

    int pending() {
        return pending.get();
    }

    WriterStats counters() {
        return stats;
    }

    public JsonObject stats() {
        return stats.toJson(queue.size(), pending.get(), inProgress, queue.size() + queue.remainingCapacity());
    }

    long connectionsOpened() {
        return stats.connectionsOpened();
    }

    long requestsFailed() {
        return stats.requestsFailed();
    }

    /** Null while writes reach the disk; else why the last one did not (see {@link WriterHealth}). */
    String failure() {
        return health.problem();
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
                    idle();
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
                    write(batch);
                } catch (RuntimeException | Error e) {
                    // The thread must live on: a dead writer would leave every write unanswered until its timeout.
                    LOG.log(Level.SEVERE, "writer of database " + name + " failed; the batch was not committed", e);
                    connection.abort();
                    Failed failed = new Failed(
                            Failures.INTERNAL, "the store failed while writing; the write may not have been committed");
                    batch.forEach(t -> answer(t, failed));
                }
                batch.clear();
                inProgress = 0;
                lastProgressNanos = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!abandoned) {
                connection.close();
            }
        }
    }

    /** Writes one batch in one transaction, then answers each request of it. */
    private void write(List<Task> batch) {
        stats.batch(batch.size());
        String problem = files.beforeTransaction();
        WriteOutcome[] outcomes;
        DistributionSummary sizes = batchSizes;
        if (sizes != null) {
            sizes.record(batch.size());
        }
        if (problem == null) {
            Timer timer = commits;
            long start = timer == null ? 0 : System.nanoTime();
            outcomes = connection.transaction(batch);
            if (timer != null) {
                timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            files.afterTransaction(outcomes);
        } else {
            outcomes = new WriteOutcome[batch.size()];
            Arrays.fill(outcomes, new Failed(Failures.UNAVAILABLE, "the database is not available: " + problem));
        }
        for (int i = 0; i < batch.size(); i++) {
            answer(batch.get(i), outcomes[i]);
        }
    }

    /** Between requests (every 100 ms): the files even when nobody writes; a probe while writes fail. */
    private void idle() {
        if (files.beforeTransaction() == null && health.probeDue()) {
            connection.probe();
        }
    }

    /** Sends {@code outcome} unless {@code t} was already answered (a batch that failed half-way through its replies). */
    private void answer(Task t, WriteOutcome outcome) {
        if (t.answered) {
            return;
        }
        t.answered = true;
        pending.decrementAndGet();
        stats.answered(outcome);
        outcome.sendTo(t.reply);
    }
}
