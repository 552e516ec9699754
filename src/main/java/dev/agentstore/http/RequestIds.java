package dev.agentstore.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every request's id, {@code X-Request-Id}: the client's when it gave one valid id (1 to {@value #MAX_LENGTH}
 * characters of {@code A-Z a-z 0-9 . _ : -}), else a fresh one. An invalid id is not an error and is not echoed
 * (it may be a header injection, or a log line's worth of text): the request gets a fresh id instead. The id is
 * set on the response before anything else may answer, so every answer carries it, and {@link Problems} reads it
 * back from there into the problem body: there is one place that holds it, whatever answers.
 *
 * <p>A fresh id is this process's random 64-bit prefix and a counter, {@code 5f0c6a1e9b2d4873-1a}: unique
 * across requests and, with a fresh prefix at every start, across restarts, and cheaper than a
 * {@code UUID.randomUUID()}, which reads the shared SecureRandom on every call (docs/PERFORMANCE.md).
 */
final class RequestIds {
    static final CharSequence HEADER = HttpHeaders.createOptimized("X-Request-Id");
    static final int MAX_LENGTH = 128;

    private static final String PREFIX = String.format("%016x-", new SecureRandom().nextLong());
    private static final AtomicLong COUNTER = new AtomicLong();

    private RequestIds() {}

    /** The request's id, accepted or made, set on its response; returns it. */
    static String assign(HttpServerRequest request) {
        String id = accepted(request.headers());
        if (id == null) {
            id = next();
        }
        request.response().headers().set(HEADER, id);
        return id;
    }

    /** The id of the request that {@code response} answers, or null before {@link #assign}. */
    static String of(HttpServerResponse response) {
        return response.headers().get(HEADER);
    }

    /** A fresh id. */
    static String next() {
        return PREFIX + Long.toHexString(COUNTER.incrementAndGet());
    }

    /** The client's id when it sent exactly one and it is valid; else null. */
    private static String accepted(MultiMap headers) {
        String given = headers.get(HEADER);
        if (given == null || !valid(given)) {
            return null;
        }
        List<String> all = headers.getAll(HEADER);
        return all.size() == 1 ? given : null;
    }

    static boolean valid(String id) {
        int n = id.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
