package dev.agentstore.http;

import dev.agentstore.Logging;
import dev.agentstore.config.HttpConfig.AccessLogFormat;
import dev.agentstore.metrics.HttpMeters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code log.access}: one INFO record per answered request on the logger {@value #LOGGER}, so that an operator can
 * route it apart from the server's own log (docs/operations.md). A record names the method, the route's
 * template ({@code /api/workflows/:id}, never the path with its ids: a log is no place for an agent's name, and
 * a template groups what belongs together), {@value #UNMATCHED} for a request no route took (a 404, a 405, a
 * malformed URI or request line), the status, the milliseconds from the request's head to its answer's end, the
 * body bytes sent, the request id ({@link RequestIds}) and the name of the API key that the {@link Gate} let in,
 * never the key. {@code plain} writes the fields in a fixed order, separated by spaces
 * ({@code GET /api/workflows/:id 200 0.412 187 5f0c6a1e9b2d4873-1a reader}); {@code json} writes one object.
 * A request whose connection closed before its answer ended is logged too, with {@code aborted} (and no status
 * when no head was sent: {@value #UNMATCHED}, or null).
 */
final class AccessLog {
    static final String LOGGER = "agentstore.access";
    /** The route of a request that no route of the API took, and the key of a request without one. */
    static final String UNMATCHED = "-";

    private static final Logger LOG = Logger.getLogger(LOGGER);

    private final AccessLogFormat format;
    /** Null without metrics. */
    private final HttpMeters meters;

    /**
     * The line writer past JUL's record, where the logger's lines go to the server's stderr alone
     * ({@link Logging#direct}); null when they go anywhere else, and then through the logger.
     */
    private final Logging.Direct direct;

    AccessLog(AccessLogFormat format, HttpMeters meters) {
        this.format = format;
        this.meters = meters;
        this.direct = format == AccessLogFormat.OFF ? null : Logging.direct(LOG).orElse(null);
    }

    /**
     * Puts the hook first on {@code router}, ahead of any route that may answer: it writes the line and records
     * the request's meters ({@link HttpMeters}) when the answer ends. With {@code off} and no meters, nothing.
     */
    void install(Router router) {
        if (format != AccessLogFormat.OFF || meters != null) {
            router.route().handler(this::start);
        }
    }

    /** The server's invalid request handler: {@link Problems#invalidRequest}, logged. */
    void invalidRequest(HttpServerRequest request) {
        if (format != AccessLogFormat.OFF || meters != null) {
            long start = System.nanoTime();
            request.response().endHandler(v -> {
                if (meters != null) {
                    meters.record(
                            "",
                            request.method() == null
                                    ? "other"
                                    : request.method().name(),
                            request.response().getStatusCode(),
                            System.nanoTime() - start);
                }
                if (format != AccessLogFormat.OFF) {
                    write(request, start, null, null, false);
                }
            });
        }
        Problems.invalidRequest(request);
    }

    private void start(RoutingContext ctx) {
        long start = System.nanoTime();
        // Vert.x calls it once, when the answer ends or when the connection closes before it did.
        ctx.addEndHandler(ended -> {
            Route route = ctx.currentRoute();
            String template = route == null ? null : route.getPath();
            HttpServerRequest request = ctx.request();
            if (meters != null && request.response().headWritten()) {
                meters.record(
                        template == null ? "" : template,
                        request.method().name(),
                        request.response().getStatusCode(),
                        System.nanoTime() - start);
            }
            if (format != AccessLogFormat.OFF) {
                write(request, start, template, Gate.keyName(ctx), ended.failed());
            }
        });
        ctx.next();
    }

    private void write(HttpServerRequest request, long startNanos, String route, String key, boolean aborted) {
        if (direct == null && !LOG.isLoggable(Level.INFO)) {
            return;
        }
        HttpServerResponse response = request.response();
        long micros = (System.nanoTime() - startNanos) / 1000;
        String method = method(request.method());
        String template = route == null ? UNMATCHED : route;
        String id = RequestIds.of(response);
        long bytes = response.bytesWritten();
        // a connection that closed before the answer's head was sent: there was no status
        int status = response.headWritten() ? response.getStatusCode() : -1;
        // No field holds a line break (see json), so the line can be built in place, past the logger's format.
        boolean json = format == AccessLogFormat.JSON;
        int room = json ? 192 : 96;
        StringBuilder b = direct != null ? direct.begin(room) : new StringBuilder(room);
        if (json) {
            json(b, method, template, status, micros, bytes, id, key, aborted);
        } else {
            plain(b, method, template, status, micros, bytes, id, key, aborted);
        }
        if (direct != null) {
            direct.end(b);
        } else {
            // the logger's name as the source: JUL would otherwise walk the stack to find the caller, each line
            LOG.logp(Level.INFO, LOGGER, null, b.toString());
        }
    }

    private static void plain(
            StringBuilder b,
            String method,
            String route,
            int status,
            long micros,
            long bytes,
            String id,
            String key,
            boolean aborted) {
        b.append(method).append(' ').append(route).append(' ');
        if (status < 0) {
            b.append(UNMATCHED);
        } else {
            b.append(status);
        }
        millis(b.append(' '), micros)
                .append(' ')
                .append(bytes)
                .append(' ')
                .append(id == null ? UNMATCHED : id)
                .append(' ')
                .append(key == null ? UNMATCHED : key);
        if (aborted) {
            b.append(" aborted");
        }
    }

    /**
     * Built by hand rather than through a JsonObject, which tripled the cost of a line (docs/PERFORMANCE.md): no
     * value needs escaping. The method is an HTTP token, which has no quote and no backslash; the route is one of
     * ours; the id is of {@link RequestIds}' characters, the key's name of the keys file's.
     */
    private static void json(
            StringBuilder b,
            String method,
            String route,
            int status,
            long micros,
            long bytes,
            String id,
            String key,
            boolean aborted) {
        b.append("{\"time\":\"")
                .append(Instant.now())
                .append("\",\"method\":\"")
                .append(method)
                .append("\",\"route\":\"")
                .append(route)
                .append("\",\"status\":");
        if (status < 0) {
            b.append("null");
        } else {
            b.append(status);
        }
        millis(b.append(",\"duration_ms\":"), micros)
                .append(",\"bytes\":")
                .append(bytes)
                .append(",\"request_id\":");
        quoted(b, id).append(",\"key\":");
        quoted(b, key);
        if (aborted) {
            b.append(",\"aborted\":true");
        }
        b.append('}');
    }

    private static StringBuilder quoted(StringBuilder b, String text) {
        return text == null ? b.append("null") : b.append('"').append(text).append('"');
    }

    /** Microseconds as milliseconds with three decimals. */
    private static StringBuilder millis(StringBuilder b, long micros) {
        b.append(micros / 1000).append('.');
        long fraction = micros % 1000;
        if (fraction < 100) {
            b.append(fraction < 10 ? "00" : "0");
        }
        return b.append(fraction);
    }

    /**
     * The method as a log may show it: a client may send any token as a method, as long as a request line allows,
     * and Vert.x hands it on; past the usual length it is shown as {@code OTHER}.
     */
    private static String method(HttpMethod method) {
        String name = method == null ? UNMATCHED : method.name();
        return name.length() <= 16 ? name : "OTHER";
    }
}
