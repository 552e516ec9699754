package dev.agentstore.config;

import static dev.agentstore.config.ConfigKey.AUTH_ALLOW_ANONYMOUS;
import static dev.agentstore.config.ConfigKey.AUTH_KEYS_FILE;
import static dev.agentstore.config.ConfigKey.BACKUP_DIR;
import static dev.agentstore.config.ConfigKey.BACKUP_INTERVAL_S;
import static dev.agentstore.config.ConfigKey.BACKUP_KEEP;
import static dev.agentstore.config.ConfigKey.HTTP_ALLOWED_HOSTS;
import static dev.agentstore.config.ConfigKey.HTTP_CORS_ALLOWED_ORIGINS;
import static dev.agentstore.config.ConfigKey.HTTP_HEADER_TIMEOUT_MS;
import static dev.agentstore.config.ConfigKey.HTTP_HOST;
import static dev.agentstore.config.ConfigKey.HTTP_IDLE_TIMEOUT_S;
import static dev.agentstore.config.ConfigKey.HTTP_MAX_BODY_BYTES;
import static dev.agentstore.config.ConfigKey.HTTP_MAX_CONNECTIONS;
import static dev.agentstore.config.ConfigKey.HTTP_MAX_INFLIGHT_BODY_BYTES;
import static dev.agentstore.config.ConfigKey.HTTP_PORT;
import static dev.agentstore.config.ConfigKey.HTTP_REQUEST_TIMEOUT_MS;
import static dev.agentstore.config.ConfigKey.HTTP_REQUIRE_IF_MATCH;
import static dev.agentstore.config.ConfigKey.HTTP_SHUTDOWN_TIMEOUT_MS;
import static dev.agentstore.config.ConfigKey.HTTP_STREAM_MAX_PENDING;
import static dev.agentstore.config.ConfigKey.IDLE_TIMEOUT_S;
import static dev.agentstore.config.ConfigKey.LEAK_THRESHOLD_S;
import static dev.agentstore.config.ConfigKey.LIMITS_MAX_BATCH_ITEMS;
import static dev.agentstore.config.ConfigKey.LIMITS_MAX_FIELD_BYTES;
import static dev.agentstore.config.ConfigKey.LOG_ACCESS;
import static dev.agentstore.config.ConfigKey.MAX_OVERFLOW;
import static dev.agentstore.config.ConfigKey.METRICS_ENABLED;
import static dev.agentstore.config.ConfigKey.MONITOR_ENABLED;
import static dev.agentstore.config.ConfigKey.PATH;
import static dev.agentstore.config.ConfigKey.POOL_RECYCLE;
import static dev.agentstore.config.ConfigKey.POOL_SIZE;
import static dev.agentstore.config.ConfigKey.POOL_TIMEOUT;
import static dev.agentstore.config.ConfigKey.READER_QUEUE_CAPACITY;
import static dev.agentstore.config.ConfigKey.RETENTION_ALERTS_DAYS;
import static dev.agentstore.config.ConfigKey.RETENTION_ARTICLES_DAYS;
import static dev.agentstore.config.ConfigKey.RETENTION_BATCH_ROWS;
import static dev.agentstore.config.ConfigKey.RETENTION_CHANGES_S;
import static dev.agentstore.config.ConfigKey.RETENTION_IDEMPOTENCY_KEYS_S;
import static dev.agentstore.config.ConfigKey.RETENTION_INTERVAL_S;
import static dev.agentstore.config.ConfigKey.RETENTION_WORKFLOWS_DAYS;
import static dev.agentstore.config.ConfigKey.SYNCHRONOUS;
import static dev.agentstore.config.ConfigKey.WRITER_BATCH_MAX;
import static dev.agentstore.config.ConfigKey.WRITER_QUEUE_CAPACITY;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Builds the typed records from the merged settings, and checks the rules that span several keys. */
final class ConfigValidator {
    /** The most time a write may stay queued before its client times out: the margin for it to be answered. */
    static final long WRITE_MARGIN_MS = 5_000;

    private ConfigValidator() {}

    static AppConfig build(Settings s) {
        HttpConfig http = new HttpConfig(
                s.text(HTTP_HOST),
                s.integer(HTTP_PORT),
                s.integer(HTTP_MAX_BODY_BYTES),
                s.integer(HTTP_REQUEST_TIMEOUT_MS),
                s.integer(HTTP_SHUTDOWN_TIMEOUT_MS),
                inflightBodyBytes(s.integer(HTTP_MAX_INFLIGHT_BODY_BYTES), s.integer(HTTP_MAX_BODY_BYTES)),
                s.integer(HTTP_HEADER_TIMEOUT_MS),
                s.integer(HTTP_IDLE_TIMEOUT_S),
                maxConnections(s.integer(HTTP_MAX_CONNECTIONS)),
                allowedHosts(s.list(HTTP_ALLOWED_HOSTS, HostNames::allowedHost)),
                s.list(HTTP_CORS_ALLOWED_ORIGINS, HostNames::allowedOrigin),
                HttpConfig.AccessLogFormat.valueOf(s.choice(LOG_ACCESS, "").toUpperCase(Locale.ROOT)),
                s.flag(HTTP_REQUIRE_IF_MATCH),
                s.integer(HTTP_STREAM_MAX_PENDING));
        String keysFile = s.optionalText(AUTH_KEYS_FILE);
        AuthConfig auth = new AuthConfig(
                keysFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(keysFile)), s.flag(AUTH_ALLOW_ANONYMOUS));
        LimitsConfig limits = new LimitsConfig(s.integer(LIMITS_MAX_BATCH_ITEMS), s.integer(LIMITS_MAX_FIELD_BYTES));
        DatabaseConfig workflow = database(s, "workflow", http);
        Optional<DatabaseConfig> agentVersions = s.hasSection("database.agent_versions")
                ? Optional.of(database(s, "agent_versions", http))
                : Optional.empty();
        if (agentVersions.isPresent() && sameFile(agentVersions.get().path(), workflow.path())) {
            throw new ConfigException("database.agent_versions.path must differ from database.workflow.path"
                    + " (leave the agent_versions section out to keep agent versions in the workflow database)");
        }
        AppConfig config = new AppConfig(
                http,
                auth,
                workflow,
                agentVersions,
                limits,
                s.flag(METRICS_ENABLED),
                new BackupConfig(Path.of(s.text(BACKUP_DIR)), s.integer(BACKUP_INTERVAL_S), s.integer(BACKUP_KEEP)),
                new RetentionConfig(
                        s.integer(RETENTION_WORKFLOWS_DAYS),
                        s.integer(RETENTION_ARTICLES_DAYS),
                        s.integer(RETENTION_ALERTS_DAYS),
                        s.integer(RETENTION_INTERVAL_S),
                        s.integer(RETENTION_BATCH_ROWS),
                        s.integer(RETENTION_IDEMPOTENCY_KEYS_S),
                        s.integer(RETENTION_CHANGES_S)),
                s.flag(MONITOR_ENABLED));
        for (DatabaseConfig db : config.databases()) {
            // A read may wait pool_timeout for a reader thread, then pool_timeout for a connection: it must
            // get its 503 from the store before the event bus times the request out.
            if (2L * db.poolTimeoutS() * 1000L >= http.requestTimeoutMs()) {
                throw new ConfigException("database." + db.name() + ".pool_timeout (" + db.poolTimeoutS()
                        + " s) must be shorter than half of http.request_timeout_ms (" + http.requestTimeoutMs()
                        + " ms)");
            }
        }
        return config;
    }

    /** {@code *} means any host: with other names beside it, the list says two things. */
    static List<String> allowedHosts(List<String> hosts) {
        if (hosts.contains("*") && hosts.size() > 1) {
            throw new ConfigException("http.allowed_hosts: `*` allows any host, list it alone or list names");
        }
        return hosts.stream().distinct().toList();
    }

    /**
     * The budget of request bodies in flight: as set, or (0) an eighth of the heap. A body costs about twice
     * its size while in flight (its bytes, then its decoded strings and the encoded reply), on top of what
     * decoding and the store briefly need, so an eighth keeps the worst case near half of the heap. A budget
     * under max_body_bytes would refuse the largest bodies forever, retry or not.
     */
    static long inflightBodyBytes(long configured, int maxBodyBytes) {
        if (configured == 0) {
            return Math.max(maxBodyBytes, Runtime.getRuntime().maxMemory() / 8);
        }
        if (configured < maxBodyBytes) {
            throw new ConfigException("http.max_inflight_body_bytes (" + configured
                    + ") must be 0 (an eighth of the heap) or at least http.max_body_bytes (" + maxBodyBytes + ")");
        }
        return configured;
    }

    private static DatabaseConfig database(Settings s, String name, HttpConfig http) {
        return new DatabaseConfig(
                name,
                Path.of(s.text(PATH, name)),
                s.integer(POOL_SIZE, name),
                s.integer(MAX_OVERFLOW, name),
                s.integer(POOL_TIMEOUT, name),
                s.integer(POOL_RECYCLE, name),
                s.integer(IDLE_TIMEOUT_S, name),
                s.integer(LEAK_THRESHOLD_S, name),
                s.choice(SYNCHRONOUS, name),
                s.integer(WRITER_BATCH_MAX, name),
                s.integer(WRITER_QUEUE_CAPACITY, name),
                s.integer(READER_QUEUE_CAPACITY, name),
                writeTimeoutMs(http.requestTimeoutMs()));
    }

    /**
     * A write still queued this long after it arrived is failed with 503 and never written: by then its
     * client is about to time out (and be told to retry), and a write done after that would surprise it. The
     * margin lets a write that is done be answered before the client gives up.
     */
    static long writeTimeoutMs(long requestTimeoutMs) {
        return requestTimeoutMs - Math.min(WRITE_MARGIN_MS, requestTimeoutMs / 2);
    }

    /**
     * http.max_connections, 0 resolved: the process's file descriptor limit less a fifth (at least 1024, at most
     * half), kept for the databases (three files per pooled connection), the JVM and the connections that a
     * burst brings in before the cap closes them; and no more than 48 per MiB of heap (an idle connection
     * holds about 9 KiB).
     */
    static int maxConnections(int configured) {
        if (configured > 0) {
            return configured;
        }
        long fds = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : 10_240;
        long byFds = fds - Math.min(fds / 2, Math.max(1024, fds / 5));
        long byHeap = Runtime.getRuntime().maxMemory() / (1 << 20) * 48;
        return (int) Math.max(64, Math.min(Math.min(byFds, byHeap), 1_000_000));
    }

    private static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
