package dev.agentstore.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every configuration key, once: section, name, type, default, bounds, unit and meaning. The parser, the
 * list of known keys, the {@code AGENTSTORE_*} and {@code -Dagentstore.*} names and the key table of
 * docs/configuration.md all follow this table; {@code ConfigKeysDocumentedTest} checks that conf/config.yaml and the
 * docs list exactly these keys with these defaults.
 *
 * <p>The per-database keys are declared once and exist under every section of {@link #DATABASES}.
 */
public enum ConfigKey {
    HTTP_HOST(
            Section.HTTP,
            "host",
            KeyType.text("127.0.0.1"),
            "address",
            "address to bind, a name or an IP of this machine; `0.0.0.0` serves other machines (the Docker image"
                    + " sets it)"),
    HTTP_PORT(
            Section.HTTP,
            "port",
            KeyType.integer(8080, 0, 65_535),
            "port",
            "0 picks a free port (one HTTP verticle instance then)"),
    HTTP_MAX_BODY_BYTES(
            Section.HTTP,
            "max_body_bytes",
            KeyType.integer(1 << 20, 1024, 64 << 20),
            "bytes",
            "larger request bodies get 413"),
    HTTP_REQUEST_TIMEOUT_MS(
            Section.HTTP,
            "request_timeout_ms",
            KeyType.integer(65_000, 100, 600_000),
            "ms",
            "how long a request waits for the store, then 503; must exceed twice every `pool_timeout`. A write"
                    + " still queued 5 s before this (or at half of it, if shorter) is failed with 503 and never"
                    + " written, so that a client told to retry never finds its write done later"),
    HTTP_SHUTDOWN_TIMEOUT_MS(
            Section.HTTP,
            "shutdown_timeout_ms",
            KeyType.integer(10_000, 0, 600_000),
            "ms",
            "on SIGTERM, how long requests in flight may take"),
    HTTP_MAX_INFLIGHT_BODY_BYTES(
            Section.HTTP,
            "max_inflight_body_bytes",
            KeyType.integer(0, 0, Integer.MAX_VALUE),
            "bytes",
            "request bodies being read or waiting for their answer, summed over all connections; a request that"
                    + " would pass it gets 503 with `Retry-After` before its body is read. 0: an eighth of the heap"
                    + " (`-Xmx`), at least `max_body_bytes`; else at least `max_body_bytes`"),
    HTTP_HEADER_TIMEOUT_MS(
            Section.HTTP,
            "header_timeout_ms",
            KeyType.integer(10_000, 100, 600_000),
            "ms",
            "a connection that has not sent a complete request head this long after it opened is closed"
                    + " (slowloris)"),
    HTTP_IDLE_TIMEOUT_S(
            Section.HTTP,
            "idle_timeout_s",
            KeyType.integer(60, 1, 86_400),
            "s",
            "a keep-alive connection without a new request this long after its last response is closed"),
    HTTP_MAX_CONNECTIONS(
            Section.HTTP,
            "max_connections",
            KeyType.integer(0, 0, 1_000_000),
            "connections",
            "open connections at most; at the cap a new one closes the connection idle longest, or is closed"
                    + " when none is idle. 0: the file descriptor limit less a fifth (at least 1024, at most half),"
                    + " and at most 48 per MiB of heap"),
    HTTP_ALLOWED_HOSTS(
            Section.HTTP,
            "allowed_hosts",
            KeyType.list(),
            "hosts",
            "the names a request's `Host` header may give (the port is not compared), beside `localhost`,"
                    + " `127.0.0.1` and `[::1]`, which are always allowed; others get 421 (DNS rebinding). Empty: the"
                    + " bound address (with 0.0.0.0 or `::`, every address of the machine). `*` allows any (behind a"
                    + " proxy that checks it)"),
    HTTP_REQUIRE_IF_MATCH(
            Section.HTTP,
            "require_if_match",
            KeyType.flag(false),
            "flag",
            "true: an update (`PUT` or `PATCH` of a workflow or an agent version) without `If-Match` gets 428, so that"
                    + " no client overwrites a change it has not read"),
    HTTP_STREAM_MAX_PENDING(
            Section.HTTP,
            "stream_max_pending",
            KeyType.integer(1000, 10, 1_000_000),
            "events",
            "the events a server-sent-events stream (`/api/changes/stream`, a workflow's `watch`) may hold for a"
                    + " client that reads slower than changes come; past it the stream is closed, and the client resumes"
                    + " from its `Last-Event-ID`, read from the change table"),
    HTTP_CORS_ALLOWED_ORIGINS(
            Section.HTTP,
            "cors.allowed_origins",
            KeyType.list(),
            "origins",
            "web origins (`https://app.example:8443`) whose pages may call the API from a browser; empty: CORS is"
                    + " off, and no page of another origin can read an answer"),
    AUTH_KEYS_FILE(
            Section.AUTH,
            "keys_file",
            KeyType.optionalText(),
            "file",
            "the API keys, one `NAME SCOPES SHA256HEX` a line (`keys new` makes one); re-read when it changes."
                    + " Unset: no keys, the API is open, which only a loopback `http.host` allows"),
    AUTH_ALLOW_ANONYMOUS(
            Section.AUTH,
            "allow_anonymous",
            KeyType.flag(false),
            "flag",
            "with no keys file, serve every caller on a non-loopback `http.host` too (only behind something that"
                    + " authenticates); without it such a start is refused"),
    LIMITS_MAX_BATCH_ITEMS(
            Section.LIMITS,
            "max_batch_items",
            KeyType.integer(1000, 1, 100_000),
            "items",
            "most items in one batch request"),
    LIMITS_MAX_FIELD_BYTES(
            Section.LIMITS,
            "max_field_bytes",
            KeyType.integer(1 << 20, 1024, 64 << 20),
            "bytes",
            "largest text field (code, content, JSON data) in UTF-8; larger gets 413"),
    METRICS_ENABLED(
            Section.METRICS,
            "enabled",
            KeyType.flag(true),
            "flag",
            "Vert.x's HTTP server and event-bus meters, and the store's, served at `GET /metrics` (admin scope) in"
                    + " Prometheus text format; false: no meters at all, and `/metrics` is 404"),
    MONITOR_ENABLED(
            Section.MONITOR,
            "enabled",
            KeyType.flag(true),
            "flag",
            "the keyword monitor: a sibling verticle that follows the change feed and raises an alert for each new"
                    + " article that matches an alert rule (`/api/alert-rules`); false: rules are kept, nothing"
                    + " applies them"),
    LOG_ACCESS(
            Section.LOG,
            "access",
            KeyType.choice("plain", "off", "json"),
            "format",
            "one line per answered request on the logger `agentstore.access`: method, route template, status,"
                    + " duration, bytes, request id, key name (docs/operations.md). off: none; json: one JSON object"
                    + " a line"),
    BACKUP_DIR(
            Section.BACKUP,
            "dir",
            KeyType.text("data/backups"),
            "directory",
            "where backups go (`POST /api/admin/backups`, the schedule): one directory per backup, named by its"
                    + " time, holding each database's copy and a `manifest.json`"),
    BACKUP_INTERVAL_S(
            Section.BACKUP,
            "interval_s",
            KeyType.integer(0, 0, 31_536_000),
            "s",
            "a scheduled backup of every database this often; 0: none (backups only when asked for)"),
    BACKUP_KEEP(
            Section.BACKUP,
            "keep",
            KeyType.integer(7, 1, 100_000),
            "backups",
            "the scheduled backups kept; after each one, the oldest beyond this are deleted (backups asked"
                    + " for are never deleted by the server)"),
    RETENTION_WORKFLOWS_DAYS(
            Section.RETENTION,
            "workflows_days",
            KeyType.integer(0, 0, 36_500),
            "days",
            "workflows in a final status (completed, failed, cancelled) finished longer ago than this are deleted,"
                    + " with their history; 0: kept forever"),
    RETENTION_ARTICLES_DAYS(
            Section.RETENTION,
            "articles_days",
            KeyType.integer(0, 0, 36_500),
            "days",
            "articles created longer ago than this are deleted; 0: kept forever"),
    RETENTION_ALERTS_DAYS(
            Section.RETENTION,
            "alerts_days",
            KeyType.integer(0, 0, 36_500),
            "days",
            "alerts created longer ago than this are deleted; 0: kept forever"),
    RETENTION_INTERVAL_S(
            Section.RETENTION,
            "interval_s",
            KeyType.integer(3600, 1, 604_800),
            "s",
            "how often the purge runs, when any of the days above is set"),
    RETENTION_BATCH_ROWS(
            Section.RETENTION,
            "batch_rows",
            KeyType.integer(100, 1, 10_000),
            "rows",
            "rows one purge step deletes, in one write request among the others: what a purge adds to a commit"),
    RETENTION_IDEMPOTENCY_KEYS_S(
            Section.RETENTION,
            "idempotency_keys_s",
            KeyType.integer(86_400, 60, 31_536_000),
            "s",
            "how long an `Idempotency-Key` answers its retries with the first answer; older keys are purged (always,"
                    + " whatever the days above), in batches of `batch_rows`"),
    RETENTION_CHANGES_S(
            Section.RETENTION,
            "changes_s",
            KeyType.integer(604_800, 60, 315_360_000),
            "s",
            "how long the change feed (`/api/changes`) keeps a change; older ones are purged (always), in batches of"
                    + " `batch_rows`, and a cursor older than the oldest kept gets 410"),
    PATH(Section.DATABASE, "path", KeyType.text("data/<name>.db"), "file", "the SQLite file; its directory is created"),
    POOL_SIZE(
            Section.DATABASE,
            "pool_size",
            KeyType.integer(10, 1, 256),
            "connections",
            "read connections opened at start and kept"),
    MAX_OVERFLOW(
            Section.DATABASE,
            "max_overflow",
            KeyType.integer(20, 0, 256),
            "connections",
            "extra read connections opened under load"),
    POOL_TIMEOUT(
            Section.DATABASE,
            "pool_timeout",
            KeyType.integer(30, 1, 3600),
            "s",
            "wait for a connection, then 503 with `Retry-After`"),
    POOL_RECYCLE(
            Section.DATABASE,
            "pool_recycle",
            KeyType.integer(3600, 1, 604_800),
            "s",
            "connections older than this are replaced (readers and the writer)"),
    IDLE_TIMEOUT_S(
            Section.DATABASE,
            "idle_timeout_s",
            KeyType.integer(60, 1, 86_400),
            "s",
            "an overflow connection idle this long is closed"),
    LEAK_THRESHOLD_S(
            Section.DATABASE,
            "leak_threshold_s",
            KeyType.integer(60, 0, 86_400),
            "s",
            "a connection held longer is logged with its holder's stack; 0 turns it off"),
    SYNCHRONOUS(
            Section.DATABASE,
            "synchronous",
            KeyType.choice("FULL", "NORMAL"),
            "mode",
            "FULL: an acknowledged write survives power loss. NORMAL: cheaper commits, the last transactions may be"
                    + " lost on power loss (never corrupted)"),
    WRITER_BATCH_MAX(
            Section.DATABASE,
            "writer_batch_max",
            KeyType.integer(256, 1, 10_000),
            "requests",
            "most write requests committed in one transaction"),
    WRITER_QUEUE_CAPACITY(
            Section.DATABASE,
            "writer_queue_capacity",
            KeyType.integer(10_000, 1, 1_000_000),
            "requests",
            "write requests that may wait for the writer; more get 503. Memory is bounded by this plus"
                    + " `writer_batch_max`"),
    READER_QUEUE_CAPACITY(
            Section.DATABASE,
            "reader_queue_capacity",
            KeyType.integer(10_000, 1, 1_000_000),
            "requests",
            "reads that may wait for a reader thread; more get 503");

    /** The database sections: {@code workflow} always, {@code agent_versions} when the file names it. */
    public static final List<String> DATABASES = List.of("workflow", "agent_versions");

    private static final Map<String, ConfigKey> BY_PATH = byPath();

    /** Where a key lives: a fixed section, or every database section. */
    public enum Section {
        HTTP,
        AUTH,
        LIMITS,
        METRICS,
        LOG,
        BACKUP,
        RETENTION,
        MONITOR,
        DATABASE;

        public String prefix(String database) {
            return this == DATABASE ? "database." + database : name().toLowerCase(Locale.ROOT);
        }
    }

    public final Section section;
    public final String name;
    public final KeyType type;
    public final String unit;
    public final String doc;

    ConfigKey(Section section, String name, KeyType type, String unit, String doc) {
        this.section = section;
        this.name = name;
        this.type = type;
        this.unit = unit;
        this.doc = doc;
    }

    /** The key's path, e.g. {@code http.port} or {@code database.workflow.pool_size}. */
    public String path(String database) {
        return section.prefix(database) + "." + name;
    }

    /** The key as the docs name it: {@code database.<name>.pool_size}. */
    public String docName() {
        return path("<name>");
    }

    public String defaultValue(String database) {
        return type.defaultValue().replace("<name>", database);
    }

    /** Every key path, with the per-database keys under every database section. */
    public static List<String> paths() {
        return List.copyOf(BY_PATH.keySet());
    }

    /** The key at {@code path}, or null. */
    static ConfigKey at(String path) {
        return BY_PATH.get(path);
    }

    /**
     * The section paths: http, http.cors, auth, limits, metrics, log, backup, retention, database, database.workflow,
     * database.agent_versions.
     */
    static List<String> sections() {
        List<String> sections = new ArrayList<>(List.of(
                "http", "http.cors", "auth", "limits", "metrics", "log", "backup", "retention", "monitor", "database"));
        DATABASES.forEach(db -> sections.add("database." + db));
        return sections;
    }

    private static Map<String, ConfigKey> byPath() {
        Map<String, ConfigKey> keys = new LinkedHashMap<>();
        for (ConfigKey key : values()) {
            if (key.section != Section.DATABASE) {
                keys.put(key.path(""), key);
            }
        }
        for (String db : DATABASES) {
            for (ConfigKey key : values()) {
                if (key.section == Section.DATABASE) {
                    keys.put(key.path(db), key);
                }
            }
        }
        return keys;
    }
}
