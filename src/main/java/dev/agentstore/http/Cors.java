package dev.agentstore.http;

import dev.agentstore.config.HostNames;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * Cross-origin calls from the pages of the origins that {@code http.cors.allowed_origins} lists, and from no
 * other: installed only when the list is not empty (with none, a browser lets no page of another origin read
 * an answer, and its preflight gets 405). A listed origin's preflight gets 204 with the methods and headers
 * the API takes; its requests get {@code Access-Control-Allow-Origin} with that origin (never {@code *}, never
 * credentials: keys go in {@code Authorization}, which a page sends only on purpose). A request with the
 * {@code Origin} of a page of another origin gets 403 and reaches nothing.
 *
 * <p>Not Vert.x's CorsHandler, for two reasons: with origins listed it refuses a page of the server's own
 * origin (a POST from the server's /docs page carries {@code Origin} too), and it compares origins by spelling,
 * where {@code http://[::1]:3000} and {@code http://[0::1]:3000} are the same origin.
 */
final class Cors {
    /** How long a browser may keep a preflight's answer: ten minutes, Chromium's own cap is two hours. */
    private static final String MAX_AGE_S = "600";

    private static final String METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
    private static final String REQUEST_HEADERS =
            "Authorization, Content-Type, X-Request-Id, Idempotency-Key, If-Match, If-None-Match";
    private static final String EXPOSED_HEADERS = "Location, Retry-After, WWW-Authenticate, Allow, Accept-Post,"
            + " Accept-Patch, X-Request-Id, ETag, Idempotent-Replayed";
    private static final String KEY = "http.cors.allowed_origins (AGENTSTORE_HTTP_CORS_ALLOWED_ORIGINS)";

    private final Set<String> origins;

    private Cors(Set<String> origins) {
        this.origins = origins;
    }

    /** The handler for the origins listed (canonical, see {@link HostNames#origin}); none for an empty list. */
    static Cors of(List<String> origins) {
        return origins.isEmpty() ? null : new Cors(Set.copyOf(origins));
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            ctx.next();
            return;
        }
        MultiMap headers = ctx.response().headers();
        // The answer depends on Origin: a cache must not give one origin's answer to another.
        headers.add(HttpHeaders.VARY, "Origin");
        String canonical = HostNames.origin(origin);
        if (canonical != null && origins.contains(canonical)) {
            headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if (request.method() == HttpMethod.OPTIONS
                    && request.headers().contains(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD)) {
                headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
                        .set(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, REQUEST_HEADERS)
                        .set(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_S);
                if ("true".equals(request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK))) {
                    // Chromium asks before a public page calls a private address; a listed origin may.
                    headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, "true");
                }
                ctx.response().setStatusCode(204).end();
                return;
            }
            headers.set(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
            ctx.next();
            return;
        }
        if (canonical != null && sameOrigin(canonical, request.getHeader(HttpHeaders.HOST))) {
            ctx.next(); // a page this server served itself
            return;
        }
        Problems.send(
                ctx,
                403,
                "a page of the origin " + Problems.quoted(origin)
                        + " may not call this API; the origins whose pages may are listed in " + KEY);
    }

    /** Whether the origin names the host and port the request was sent to (the port defaults by scheme). */
    static boolean sameOrigin(String origin, String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        int colon = origin.indexOf("://");
        String scheme = origin.substring(0, colon);
        String defaultPort = scheme.equals("https") ? "443" : "80";
        String authority = origin.substring(colon + 3);
        String host = HostNames.ofAuthority(hostHeader);
        if (host == null) {
            return false;
        }
        return withPort(authority, defaultPort).equals(withPort(host + port(hostHeader), defaultPort));
    }

    /** The {@code :port} of a Host header, or nothing. */
    private static String port(String hostHeader) {
        int end = hostHeader.lastIndexOf(']');
        int colon = hostHeader.lastIndexOf(':');
        return colon > end ? hostHeader.substring(colon) : "";
    }

    private static String withPort(String authority, String defaultPort) {
        int end = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        return colon > end ? authority : authority + ":" + defaultPort;
    }
}
