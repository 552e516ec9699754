package dev.agentstore.config;

import java.util.List;

/**
 * The HTTP listener.
 *
 * @param host address to bind (default 127.0.0.1; 0.0.0.0 in the container)
 * @param port TCP port, 0 picks a free one (default 8080)
 * @param maxBodyBytes largest accepted request body; larger gets 413 (default 1 MiB)
 * @param requestTimeoutMs how long a request waits for the store before it fails with 503; longer
 *     than twice every pool_timeout, so that a request gets the store's own 503 first
 * @param shutdownTimeoutMs on SIGTERM, how long requests in flight may take before the server closes
 * @param maxInflightBodyBytes the most bytes of request bodies read or being read and not yet answered, over
 *     all connections; a request that would pass it gets 503 before its body is read. The key's 0 is resolved
 *     here: an eighth of the heap, at least maxBodyBytes
 * @param headerTimeoutMs a connection without a complete request head this long after it opened is closed
 * @param idleTimeoutS a keep-alive connection without a new request this long after its last response is
 *     closed
 * @param maxConnections open connections at most (the key's 0 is resolved: never 0 here)
 * @param allowedHosts the names a Host header may give, as configured (empty: the defaults, see
 *     docs/configuration.md)
 * @param corsAllowedOrigins the web origins allowed to call from a browser (empty: CORS off)
 * @param accessLog {@code log.access}: a line per request on the logger {@code agentstore.access}, or none
 * @param requireIfMatch {@code http.require_if_match}: an update without If-Match gets 428
 * @param streamMaxPending {@code http.stream_max_pending}: events an event stream holds for a slow client before
 *     it is closed
 */
public record HttpConfig(
        String host,
        int port,
        int maxBodyBytes,
        long requestTimeoutMs,
        long shutdownTimeoutMs,
        long maxInflightBodyBytes,
        long headerTimeoutMs,
        long idleTimeoutS,
        int maxConnections,
        List<String> allowedHosts,
        List<String> corsAllowedOrigins,
        AccessLogFormat accessLog,
        boolean requireIfMatch,
        int streamMaxPending) {

    /** How the access log writes a request: not at all, as one line of fields, or as one JSON object. */
    public enum AccessLogFormat {
        OFF,
        PLAIN,
        JSON
    }

    public HttpConfig {
        allowedHosts = List.copyOf(allowedHosts);
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    }
}
