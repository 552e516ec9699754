package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.BackupConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The backups of the store's databases ({@code backup.*}): one at a time, on a thread of their own (a copy of a
 * large database takes seconds to minutes, and must not hold a reader thread or the writer), asked for over the
 * bus ({@code POST /api/admin/backups}) or on the schedule ({@code backup.interval_s}), which keeps the newest
 * {@code backup.keep} scheduled ones. See {@link Backup} for how one is made.
 *
 * <p>Runs on the store verticle's worker context; its state is read and changed there, and by the backup
 * thread only through {@link #finished}, which runs back on that context.
 */
final class Backups {
    private static final Logger LOG = Logger.getLogger(Backups.class.getName());
    private static final java.util.regex.Pattern BACKUP_ID =
            java.util.regex.Pattern.compile("[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z");
    /** How long the server's stop waits for a cancelled backup to let go of its connection. */
    private static final long STOP_WAIT_MS = 30_000;

    private final Vertx vertx;
    private final io.vertx.core.Context context;
    private final BackupConfig config;
    private final Map<String, Database> databases;
    private final ExecutorService thread;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private Counter complete;
    private Counter failed;
    private volatile long lastSuccessEpochS;
    private volatile long lastDurationMs;
    private long timer = -1;
    private boolean closed;

    /** The backup being taken, with its job description; null when none. */
    private Backup running;

    private volatile JsonObject runningJob;
    /** The backup asked for while one runs: it starts when that one ends. */
    private JsonObject queuedJob;

    private JsonObject lastFailure;
    private Instant lastId = Instant.EPOCH;

    Backups(Vertx vertx, BackupConfig config, Map<String, Database> databases, MeterRegistry registry) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.databases = databases;
        this.registry = registry;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agentstore-backup");
            t.setDaemon(true);
            return t;
        });
        if (registry != null) {
            complete = Counter.builder("agentstore.backups")
                    .description("backups finished, by outcome")
                    .tag("outcome", "complete")
                    .register(registry);
            failed = Counter.builder("agentstore.backups")
                    .description("backups finished, by outcome")
                    .tag("outcome", "failed")
                    .register(registry);
            meters.add(complete);
            meters.add(failed);
            meters.add(Gauge.builder("agentstore.backup.last.success", () -> lastSuccessEpochS)
                    .description("when the last complete backup finished, in seconds since the epoch; 0: none since"
                            + " the start")
                    .baseUnit("seconds")
                    .register(registry));
            meters.add(Gauge.builder("agentstore.backup.last.duration", () -> lastDurationMs / 1000.0)
                    .description("how long the last complete backup took")
                    .baseUnit("seconds")
                    .register(registry));
            meters.add(Gauge.builder("agentstore.backup.running", () -> runningJob == null ? 0 : 1)
                    .description("1 while a backup is being taken")
                    .register(registry));
        }
    }

    /** Blocking (the store's start): deletes what a backup cut short left, and starts the schedule. */
    void start() {
        Path dir = config.dir();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> partials = Files.newDirectoryStream(dir, "." + "*" + Backup.PARTIAL)) {
                for (Path partial : partials) {
                    LOG.info("deleting " + partial + ", a backup that did not finish");
                    Backup.deleteTree(partial);
                }
            } catch (IOException e) {
                LOG.warning("cannot list " + dir + ": " + e.getMessage());
            }
        }
        if (config.intervalS() > 0) {
            timer = vertx.setPeriodic(config.intervalS() * 1000L, id -> {
                if (runningJob == null) {
                    begin(null, "scheduled");
                } else {
                    LOG.info("scheduled backup skipped: backup " + runningJob.getString("id") + " is still running");
                }
            });
        }
    }

    /**
     * Starts a backup of every database, or of {@code database}, and replies with its job at once: {@code state:
     * running}, or {@code queued} while another runs. A backup holds every row committed before it starts, so
     * a request never joins one that has started; it joins the queued one, which has not (widened to every
     * database it is asked for). At most one is queued.
     */
    JsonObject begin(String database, String trigger) {
        List<String> names = new ArrayList<>();
        for (String name : databases.keySet()) {
            if (database == null || database.equals(name)) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw new StoreException(
                    Failures.BAD_REQUEST,
                    "no database '" + database + "'; the databases are " + String.join(", ", databases.keySet()));
        }
        if (queuedJob != null) {
            JsonArray queuedNames = queuedJob.getJsonArray("databases");
            List<String> union = new ArrayList<>();
            for (String name : databases.keySet()) {
                if (queuedNames.contains(name) || names.contains(name)) {
                    union.add(name);
                }
            }
            queuedJob.put("databases", new JsonArray(union));
            return queuedJob.copy();
        }
        JsonObject job = new JsonObject()
                .put("id", uniqueId())
                .put("state", "queued")
                .put("trigger", trigger)
                .put("requested_at", Instant.now().toString())
                .put("databases", new JsonArray(names));
        if (runningJob != null) {
            queuedJob = job;
            return job.copy();
        }
        run(job);
        return runningJob.copy();
    }

    /** A new backup's id: the time, made later than every id given before should the clock repeat. */
    private String uniqueId() {
        Instant now = Instant.now();
        if (!now.isAfter(lastId)) {
            now = lastId.plusMillis(1);
        }
        lastId = now;
        return Backup.ID.format(now);
    }

    private void run(JsonObject job) {
        List<Backup.Source> sources = new ArrayList<>();
        JsonArray names = job.getJsonArray("databases");
        databases.forEach((name, db) -> {
            if (names.contains(name)) {
                sources.add(new Backup.Source(name, db.config().path().toAbsolutePath()));
            }
        });
        String id = job.getString("id");
        String trigger = job.getString("trigger");
        Backup backup = new Backup();
        running = backup;
        runningJob = job.put("state", "running").put("started_at", Instant.now().toString());
        Path dir = config.dir().toAbsolutePath();
        thread.execute(() -> {
            JsonObject manifest = null;
            Backup.BackupException failure = null;
            try {
                manifest = backup.take(id, sources, dir, trigger);
            } catch (Backup.BackupException e) {
                failure = e;
            }
            if (manifest != null && "scheduled".equals(trigger)) {
                // here, before the job is reported finished: no one ever sees more than keep of them
                rotate();
            }
            JsonObject done = manifest;
            Backup.BackupException err = failure;
            context.runOnContext(v -> finished(id, done, err));
        });
    }

    private void finished(String id, JsonObject manifest, Backup.BackupException failure) {
        running = null;
        runningJob = null;
        if (queuedJob != null && !closed) {
            JsonObject next = queuedJob;
            queuedJob = null;
            run(next);
        }
        if (failure != null) {
            lastFailure = new JsonObject()
                    .put("id", id)
                    .put("state", "failed")
                    .put("error", failure.getMessage())
                    .put("failed_at", Instant.now().toString());
            if (failed != null) {
                failed.increment();
            }
            LOG.warning(failure.getMessage());
            return;
        }
        lastSuccessEpochS = Instant.now().getEpochSecond();
        lastDurationMs = manifest.getLong("duration_ms");
        if (complete != null) {
            complete.increment();
        }
        LOG.info("backup " + id + " complete in " + lastDurationMs + " ms: "
                + config.dir().resolve(id));
    }

    /**
     * On the backup thread: deletes the oldest scheduled backups beyond {@code backup.keep}. Those taken by hand
     * (the API, the command) are the operator's to delete. A failure is logged: the new backup is complete.
     */
    private void rotate() {
        try {
            List<JsonObject> scheduled = Backup.list(config.dir()).stream()
                    .filter(m -> "scheduled".equals(m.getString("trigger")))
                    .toList();
            for (JsonObject old : scheduled.subList(Math.min(config.keep(), scheduled.size()), scheduled.size())) {
                LOG.info("deleting backup " + old.getString("id") + ": more than backup.keep (" + config.keep()
                        + ") scheduled backups");
                Backup.deleteTree(config.dir().resolve(old.getString("id")));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot delete old scheduled backups in " + config.dir() + ": " + e.getMessage());
        }
    }

    /** The complete backups, newest first, the one running and the last that failed. */
    JsonObject list() {
        List<JsonObject> complete;
        try {
            complete = Backup.list(config.dir());
        } catch (IOException e) {
            throw new StoreException(Failures.INTERNAL, "cannot list " + config.dir() + ": " + e.getMessage());
        }
        return new JsonObject()
                .put("dir", config.dir().toAbsolutePath().toString())
                .put("running", runningJob == null ? null : runningJob.copy())
                .put("queued", queuedJob == null ? null : queuedJob.copy())
                .put("last_failure", lastFailure == null ? null : lastFailure.copy())
                .put("backups", new JsonArray(new ArrayList<>(complete)));
    }

    /**
     * One backup: its manifest when complete, its job while it is queued or runs, or when it was the last to
     * fail; else 404.
     */
    JsonObject get(String id) {
        if (runningJob != null && runningJob.getString("id").equals(id)) {
            return runningJob.copy();
        }
        if (queuedJob != null && queuedJob.getString("id").equals(id)) {
            return queuedJob.copy();
        }
        if (lastFailure != null && lastFailure.getString("id").equals(id)) {
            return lastFailure.copy();
        }
        // only a backup's name (its time) names a directory: no path, no NUL, nothing the file system refuses
        if (!BACKUP_ID.matcher(id).matches()) {
            throw new StoreException(
                    Failures.NOT_FOUND,
                    "no backup '" + id + "'; a backup's id is its time, as" + " 20261203T112233.456Z");
        }
        Path manifest = config.dir().resolve(id).resolve(Backup.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new StoreException(Failures.NOT_FOUND, "no backup '" + id + "'");
        }
        try {
            return new JsonObject(Files.readString(manifest)).put("state", "complete");
        } catch (IOException | RuntimeException e) {
            throw new StoreException(Failures.INTERNAL, "cannot read the manifest of backup " + id);
        }
    }

    /** Stops the schedule and cancels a backup in progress, waiting for it to let go of its connection. */
    void close() {
        closed = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        Backup b = running;
        if (b != null) {
            b.cancel();
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warning("a backup did not stop within " + STOP_WAIT_MS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (registry != null) {
            meters.forEach(registry::remove);
        }
    }
}
