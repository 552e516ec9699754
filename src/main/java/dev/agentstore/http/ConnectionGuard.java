package dev.agentstore.http;

import dev.agentstore.config.HttpConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Bounds the connections of one HTTP verticle, on its event loop (docs/configuration.md, "Connections"):
 *
 * <ul>
 *   <li>a connection without a complete request head {@code http.header_timeout_ms} after it opened is
 *       closed (slowloris: a header byte a second);
 *   <li>a keep-alive connection with no new request {@code http.idle_timeout_s} after its last response is
 *       closed;
 *   <li>a request whose response has not ended within {@code http.request_timeout_ms} plus the header timeout
 *       (the store answers within the first, so only a body that never completes gets there) is closed;
 *   <li>at {@code http.max_connections} (shared by every HTTP verticle of the Vert.x instance), a new
 *       connection closes the one of this verticle whose last request began longest ago (or that never sent
 *       one) and has none in flight, so that a health probe still gets in while idle connections fill the
 *       cap; with none idle, the new connection is closed at once.
 * </ul>
 *
 * Vert.x's own idle timeout is not used: it closes a connection whose request waits for the store. The
 * deadlines are checked by a sweep every quarter of the shortest (at most every second), not by a timer per
 * request: the cost of a request is one map lookup. A response's end is seen by the next sweep, so the idle
 * timeout runs up to one sweep late.
 */
final class ConnectionGuard {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    private static final String COUNT = "agentstore.http.connections";
    private static final long LOG_EVERY_NS = TimeUnit.SECONDS.toNanos(10);

    /** The open connections of every HTTP verticle of one Vert.x instance. */
    private static final class Count extends AtomicInteger implements Shareable {}

    private static final class Tracked {
        /** When it opened, when its latest request began, or when a sweep saw that request answered. */
        long since;
        /** The latest request; null before the first. */
        HttpServerRequest request;

        boolean answered;
        /** An event stream: answered until one side ends it, so no request deadline applies. */
        boolean streaming;
    }

    private final Vertx vertx;
    private final int max;
    private final long headerTimeoutNs;
    private final long idleTimeoutNs;
    private final long requestDeadlineNs;
    private final Count open;
    /** In access order: {@link #request} moves a connection to the end, so the first idle one is the idlest. */
    private final LinkedHashMap<HttpConnection, Tracked> tracked = new LinkedHashMap<>(64, 0.75f, true);

    private long sweeper = -1;
    private int evicted;
    private int refused;
    private long lastLogged;

    ConnectionGuard(Vertx vertx, HttpConfig config) {
        this.vertx = vertx;
        this.max = config.maxConnections();
        this.headerTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.headerTimeoutMs());
        this.idleTimeoutNs = TimeUnit.SECONDS.toNanos(config.idleTimeoutS());
        this.requestDeadlineNs = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs() + config.headerTimeoutMs());
        this.open = (Count) vertx.sharedData().getLocalMap(COUNT).computeIfAbsent(COUNT, k -> new Count());
        // Loaded now: loading a class opens a file, which fails while a flood of connections holds every
        // descriptor, and a class that failed to load stays unusable.
        tracked.put(null, new Tracked());
        tracked.remove(null);
    }

    /** The open connections of every HTTP verticle of the Vert.x instance; any thread. */
    int open() {
        return open.get();
    }

    /** Starts the sweep; call on the verticle's context. */
    void start() {
        long shortest =
                Math.min(TimeUnit.NANOSECONDS.toMillis(headerTimeoutNs), TimeUnit.NANOSECONDS.toMillis(idleTimeoutNs));
        sweeper = vertx.setPeriodic(Math.max(10, Math.min(1000, shortest / 4)), id -> sweep());
    }

    void stop() {
        vertx.cancelTimer(sweeper);
    }

    /** The server's connection handler. */
    void opened(HttpConnection conn) {
        if (open.incrementAndGet() > max && !evictIdlest()) {
            refused++;
            conn.closeHandler(v -> open.decrementAndGet());
            conn.close();
            return;
        }
        Tracked t = new Tracked();
        t.since = System.nanoTime();
        tracked.put(conn, t);
        conn.closeHandler(v -> {
            tracked.remove(conn);
            open.decrementAndGet();
        });
    }

    /** Before the router: the connection has a request in flight until its response ends. */
    void request(HttpServerRequest request) {
        Tracked t = tracked.get(request.connection());
        if (t != null) {
            t.since = System.nanoTime();
            t.request = request;
            t.answered = false;
            t.streaming = false;
        }
    }

    /** {@code request} is answered with an event stream: it is in flight until it ends, with no deadline. */
    void streaming(HttpServerRequest request) {
        Tracked t = tracked.get(request.connection());
        if (t != null && t.request == request) {
            t.streaming = true;
        }
    }

    private boolean evictIdlest() {
        for (Map.Entry<HttpConnection, Tracked> e : tracked.entrySet()) {
            Tracked t = e.getValue();
            if (t.request == null || t.answered || ended(t.request.response())) {
                evicted++;
                tracked.remove(e.getKey()); // its close handler then only counts it out
                e.getKey().close();
                return true;
            }
        }
        return false;
    }

    private void sweep() {
        long now = System.nanoTime();
        List<HttpConnection> expired = new ArrayList<>();
        for (Map.Entry<HttpConnection, Tracked> e : tracked.entrySet()) {
            Tracked t = e.getValue();
            long age = now - t.since;
            if (t.request == null) {
                if (age > headerTimeoutNs) {
                    expired.add(e.getKey());
                }
            } else if (!t.answered) {
                if (ended(t.request.response())) {
                    t.answered = true;
                    t.since = now;
                } else if (age > requestDeadlineNs && !t.streaming) {
                    expired.add(e.getKey());
                }
            } else if (age > idleTimeoutNs) {
                expired.add(e.getKey());
            }
        }
        // closed after the loop: a close handler may run at once and change the map
        expired.forEach(HttpConnection::close);
        if (evicted + refused > 0 && now - lastLogged > LOG_EVERY_NS) {
            LOG.warning("http.max_connections (" + max + ") reached: closed " + evicted
                    + " idle connections for new ones and refused " + refused + " since the last report");
            lastLogged = now;
            evicted = 0;
            refused = 0;
        }
    }

    private static boolean ended(HttpServerResponse response) {
        return response.ended() || response.closed();
    }
}
