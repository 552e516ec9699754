package dev.agentstore.http;

import dev.agentstore.support.Entities;
import dev.agentstore.support.Generated;
import dev.agentstore.support.RawJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The requests of {@link FuzzTest}, each drawn from one {@link Generated} (so from one seed): a valid call of
 * a route ({@link EveryRouteTest#calls}) with one to three mutations of its path, query, method, headers or
 * body, structural (a field of the wrong type, a nested value, a batch near {@code limits.max_batch_items})
 * or byte-level (cut short, invalid UTF-8, a BOM, trailing garbage), and now and then sent as raw bytes on a
 * socket with a mutated request line, headers or framing (Content-Length, Transfer-Encoding, Expect).
 */
final class FuzzInputs {
    static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    /** What exists on the server when the run starts, and its limits. */
    record Fixtures(
            List<String> workflows,
            List<String> articles,
            List<Long> alerts,
            List<String> agents,
            List<String> versions,
            int maxBatchItems,
            int maxBodyBytes,
            int port) {}

    /** JSON text written as it is, where a JsonObject could not hold it: NaN, 1e400, 5,000 levels. */
    record Raw(byte[] text) {
        static Raw of(String text) {
            return new Raw(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An object whose members may repeat a key. */
    record Members(List<Map.Entry<String, Object>> members) {}

    /** One generated request, over the HTTP client unless {@link #raw} holds the bytes to send on a socket. */
    static final class Request {
        /** The route it was drawn from, as mounted: {@code GET /api/articles/:id}. */
        final String route;

        final List<String> mutations = new ArrayList<>();
        String method;
        String path;
        /** After the '?', or null for none. */
        String query;

        final List<String[]> headers = new ArrayList<>();
        /** Null: no body. */
        byte[] body;
        /** Over the client: sent with Transfer-Encoding: chunked. */
        boolean chunked;
        /** Non-null: these bytes on a socket instead of the client. */
        byte[] raw;
        /** On a socket: whether the bytes frame a whole request, so that an answer (or a close) must follow. */
        boolean complete = true;
        /**
         * Whether the server may close the connection without an answer, as it does (docs/api.md) when a
         * request line passes 4096 bytes or the headers 8192 (it answers 414 or 431, but the client, still
         * sending, may get a reset instead), or a refused body is longer than it reads to drop. Such requests
         * go on a socket of their own: over the client's pool the close would hit the requests queued behind.
         */
        boolean mayClose;

        Request(String route) {
            this.route = route;
        }

        String uri() {
            return query == null ? path : path + "?" + query;
        }

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        void setHeader(String name, String value) {
            headers.removeIf(h -> h[0].equalsIgnoreCase(name));
            if (value != null) {
                headers.add(new String[] {name, value});
            }
        }
    }

    private final Generated g;
    private final Fixtures f;
    /** A body that a header mutation wrote in place of the JSON one (a form for a form's Content-Type). */
    private byte[] formBody;

    private FuzzInputs(Generated g, Fixtures f) {
        this.g = g;
        this.f = f;
    }

    /**
     * The request of {@code g}'s case: a route drawn from {@code routes} (each the valid calls of one route),
     * one of its calls, mutated.
     */
    static Request request(Generated g, Fixtures f, List<List<EveryRouteTest.Call>> routes) {
        List<EveryRouteTest.Call> calls = routes.get(g.between(0, routes.size() - 1));
        return new FuzzInputs(g, f).draw(calls.get(g.between(0, calls.size() - 1)));
    }

    private Request draw(EveryRouteTest.Call call) {
        Request r = new Request(call.method() + " " + call.route());
        r.method = call.method().name();
        String uri = concrete(call);
        int q = uri.indexOf('?');
        r.path = q < 0 ? uri : uri.substring(0, q);
        r.query = q < 0 ? null : uri.substring(q + 1);
        Object body = call.body() == null ? null : new JsonObject(call.body());
        boolean contentType = true;
        int byteMutations = 0;
        int n = g.chance(0.04) ? 0 : g.between(1, 3);
        for (int i = 0; i < n; i++) {
            int kind = g.between(0, 99);
            if (kind < 16) {
                path(r, call);
            } else if (kind < 30) {
                query(r, call);
            } else if (kind < 38) {
                r.method = g.oneOf(METHODS.toArray(String[]::new));
                r.mutations.add("method:" + r.method);
            } else if (kind < 50) {
                contentType = headers(r) && contentType;
            } else if (kind < 80) {
                body = structure(body == null ? anyBody() : body, r);
            } else {
                byteMutations++;
            }
        }
        r.body = formBody != null ? formBody : body == null ? null : write(body);
        for (int i = 0; i < byteMutations; i++) {
            r.body = bytes(r.body == null ? write(anyBody()) : r.body, r);
        }
        if (r.body != null && contentType && r.header("Content-Type") == null) {
            r.headers.add(0, new String[] {"Content-Type", "application/json"});
        }
        r.mayClose = overLimits(r);
        if (g.chance(0.12) || r.mayClose || !sendable(r)) {
            raw(r);
            r.mayClose = overLimits(r.raw);
        }
        return r;
    }

    // ---- the path ----

    /** The call's URI with ids of the fixtures in place of its own. */
    private String concrete(EveryRouteTest.Call call) {
        String uri = call.uri()
                .replace("WORKFLOW", pick(f.workflows()))
                .replace(
                        "ALERT",
                        Long.toString(f.alerts().get(g.between(0, f.alerts().size() - 1))));
        if (!g.chance(0.5)) {
            return uri;
        }
        String[] pattern = call.route().substring(1).split("/");
        int q = uri.indexOf('?');
        String[] segments = (q < 0 ? uri : uri.substring(0, q)).substring(1).split("/");
        for (int i = 0; i < pattern.length && i < segments.length; i++) {
            if (pattern[i].startsWith(":")) {
                segments[i] = Entities.segment(fixture(pattern[1], pattern[i]));
            }
        }
        return "/" + String.join("/", segments) + (q < 0 ? "" : uri.substring(q));
    }

    /** An existing id of the kind the route's segment names. */
    private String fixture(String resource, String variable) {
        return switch (resource + variable) {
            case "workflows:id" -> pick(f.workflows());
            case "articles:id" -> pick(f.articles());
            case "alerts:id" ->
                Long.toString(f.alerts().get(g.between(0, f.alerts().size() - 1)));
            case "agents:version" -> pick(f.versions());
            default -> pick(f.agents());
        };
    }

    private String pick(List<String> options) {
        return options.get(g.between(0, options.size() - 1));
    }

    private void path(Request r, EveryRouteTest.Call call) {
        String tail = r.path.startsWith("/") ? r.path.substring(1) : r.path;
        List<String> segments = new ArrayList<>(Arrays.asList(tail.split("/", -1)));
        String[] pattern = call.route().substring(1).split("/");
        List<Integer> variables = new ArrayList<>();
        for (int i = 0; i < pattern.length && i < segments.size(); i++) {
            if (pattern[i].startsWith(":")) {
                variables.add(i);
            }
        }
        int kind = g.between(0, 9);
        if (kind < 5 && !variables.isEmpty()) {
            segments.set(variables.get(g.between(0, variables.size() - 1)), segment(r));
        } else if (kind < 5 || kind == 5) {
            segments.set(g.between(0, segments.size() - 1), segment(r));
        } else if (kind == 6) {
            segments.add(g.between(0, segments.size()), segment(r));
        } else if (kind == 7 && segments.size() > 1) {
            segments.remove(g.between(0, segments.size() - 1));
            r.mutations.add("path:removed");
        } else if (kind == 8) {
            String joined = String.join("/", segments);
            int at = g.between(0, joined.length());
            String shape = g.oneOf("/", "//", "/./", "/../", "/.", "/..", "\\", ".", "%2F", "%2f", "%5C", "~", "*");
            r.path = "/" + joined.substring(0, at) + shape + joined.substring(at);
            r.mutations.add("path:shape");
            return;
        } else {
            r.path = g.oneOf("", "/", "*", "//", "/api", "/api/", "/API/articles", "/api/health", "/api/health/")
                    + (g.chance(0.5) ? segment(r) : "");
            r.mutations.add("path:whole");
            return;
        }
        r.path = "/" + String.join("/", segments);
    }

    private static final String[] ESCAPES = {
        "%00",
        "%C0%AF",
        "%C0%80",
        "%E0%80%AF",
        "%F0%80%80%AF",
        "%ED%A0%80",
        "%ED%BF%BF",
        "%F4%90%80%80",
        "%FF",
        "%80",
        "%2F",
        "%2f",
        "%5C",
        "%2E%2E",
        "%2e",
        "%25",
        "%252F",
        "%",
        "%2",
        "%zz",
        "%G0",
        "%%",
        "%u0041",
        "%C3",
        "%E2%82",
        "%F0%9F%98",
        "%c3%a9",
        "%F0%9F%98%80",
        "%EF%BB%BF",
        "%EF%BF%BF",
        "%F4%8F%BF%BF",
        "%0D%0A",
        "%20",
        "%09",
        "%C2%A0",
        "%E2%80%A8",
        "%3F",
        "%23",
        "%26",
        "%3D",
        "%2B",
        "+",
        "%7F",
        "%1B"
    };

    /** A path segment as the client writes it (maybe not %-escaped at all). */
    private String segment(Request r) {
        int kind = g.between(0, 13);
        r.mutations.add("segment:" + kind);
        return switch (kind) {
            case 0 -> Entities.segment(fixture(g.oneOf("workflows", "articles", "alerts", "agents"), ":x"));
            case 1 -> Entities.segment(g.name(40));
            case 2 -> escaped(g.bytes(g.between(1, 12)));
            case 3 -> g.oneOf(ESCAPES);
            case 4 -> g.oneOf("..", ".", "...", "%2E%2E", "..%2F..", "%2e%2e%2f", ".%2E", "..;", "....");
            case 5 -> g.oneOf("x", "%41", "%F0%9F%98%80").repeat(g.oneOf(255, 256, 1000, 1001, 1400, 3000, 5000));
            case 6 -> "";
            case 7 -> number();
            case 8 ->
                g.oneOf(
                        ";", ";a=b", "a;b", "+", "a+b", "'", "\"", "<x>", "{}", "|", "^", "`", "[", "]", "@", "!", "$",
                        "&", "=", "~", "(", ")", ",", ":", "a:b", "?", "??", "#", "#x");
            case 9 -> g.name(8); // raw non-ASCII or control characters: sent on a socket
            case 10 -> segment(r) + segment(r);
            case 11 -> {
                String s = Entities.segment(g.name(20) + "é");
                int at = s.lastIndexOf('%');
                yield s.substring(0, at + 2) + s.substring(at + 3); // one escape cut to % and one digit
            }
            case 12 -> g.oneOf(ESCAPES) + Entities.segment(g.name(10)) + g.oneOf(ESCAPES);
            default -> Entities.segment(g.text(30));
        };
    }

    private static String escaped(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%%%02X", b & 0xff));
        }
        return s.toString();
    }

    private String number() {
        return g.oneOf(
                "0",
                "1",
                "-1",
                "100",
                "1000",
                "1001",
                "-0",
                "00",
                "007",
                "2147483647",
                "2147483648",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "-9223372036854775809",
                "99999999999999999999999999",
                "1e3",
                "1.0",
                "1.5",
                "0x10",
                "%205",
                "5%20",
                "%2B5",
                "+5",
                "5+",
                "-",
                "",
                "abc",
                "NaN",
                "Infinity",
                "%D9%A1%D9%A2",
                "%EF%BC%95",
                "1_000",
                "1,000",
                "5%00",
                "%095",
                digits(g.between(1, 40)));
    }

    private String digits(int n) {
        StringBuilder s = new StringBuilder(g.chance(0.3) ? "-" : "");
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + g.between(0, 9)));
        }
        return s.toString();
    }

    // ---- the query ----

    private void query(Request r, EveryRouteTest.Call call) {
        List<String> params = new ArrayList<>();
        if (r.query != null && !r.query.isEmpty()) {
            params.addAll(Arrays.asList(r.query.split("&", -1)));
        }
        String[] allowed = call.allowed().startsWith("allowed: ")
                ? call.allowed().substring("allowed: ".length()).split(", ")
                : new String[] {"limit", "offset", "x"};
        String name = g.chance(0.8) ? g.oneOf(allowed) : g.oneOf("limit", "offset", "url", "status", "include_code");
        int kind = g.between(0, 12);
        r.mutations.add("query:" + kind);
        switch (kind) {
            case 0 ->
                params.add(g.oneOf(
                                "x",
                                "foo",
                                "LIMIT",
                                "Limit",
                                "limit%20",
                                "lim%69t",
                                "",
                                "%00",
                                "a[]",
                                "a.b",
                                "limit[]",
                                "_",
                                "%C3%A9",
                                Entities.segment(g.name(10)))
                        + "=" + g.oneOf("1", "", "x", number()));
            case 1 -> {
                String v = g.chance(0.5) ? "1" : number();
                params.add(name + "=" + v);
                params.add(name + "=" + (g.chance(0.5) ? v : number()));
            }
            case 2 -> params.add(name + "=" + number());
            case 3 ->
                params.add(g.oneOf(
                        name + "=", name, "=", "=1", "", "&", name + "==1", "==", name + "=1=2", "%3D", name + "%3D1"));
            case 4 -> params.add(name + "=" + g.oneOf(ESCAPES) + (g.chance(0.5) ? "1" : ""));
            case 5 -> params.add(name + "=" + g.oneOf("a+b", "+", "+5", "5+", "+true", "%2B", "++", "true+"));
            case 6 -> params.add(name + "=" + g.oneOf("1;offset=2", ";", "1;", ";1", "a;b"));
            case 7 -> {
                r.query = g.oneOf("?", "??", "?limit=1", "") + String.join("&", params) + g.oneOf("?", "?x", "");
                return;
            }
            case 8 ->
                params.add("include_code="
                        + g.oneOf("true", "false", "TRUE", "True", "1", "0", "yes", "", "%20true", "true%00", "nul"));
            case 9 -> {
                int count = g.oneOf(50, 200, 1000, 3000);
                for (int i = 0; i < count; i++) {
                    params.add((g.chance(0.5) ? "p" + i : name) + "=" + i);
                }
            }
            case 10 -> params.add(name + "=" + g.oneOf("x", "%41", "%E2%82%AC").repeat(g.oneOf(100, 1000, 1300, 5000)));
            case 11 ->
                params.add(name + "="
                        + g.oneOf(
                                "pending",
                                "PENDING",
                                "running",
                                "completed",
                                "bogus",
                                "",
                                "https://example.com/q",
                                "u",
                                Entities.segment(g.name(30))));
            default -> params.add(name + "=" + Entities.segment(g.text(20)));
        }
        if (g.chance(0.2)) {
            Collections.swap(params, 0, g.between(0, params.size() - 1));
        }
        r.query = String.join("&", params);
    }

    // ---- headers ----

    private static final String[] CONTENT_TYPES = {
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "application/json; charset=latin1",
        "application/json; charset=utf-16",
        "application/json; charset=\"utf-8\"; foo=bar",
        "APPLICATION/JSON",
        "application/problem+json",
        "application/merge-patch+json",
        "application/json, text/plain",
        "text/plain",
        "text/plain; charset=utf-8",
        "text/html",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8",
        "multipart/form-data; boundary=xyz",
        "multipart/form-data",
        "multipart/mixed; boundary=\"a b\"",
        "application/octet-stream",
        "*/*",
        "",
        "application/",
        ";",
        "a/b/c",
        "application/json; charset="
    };

    /** One header mutation; false when the request must go without a Content-Type. */
    private boolean headers(Request r) {
        int kind = g.between(0, 9);
        r.mutations.add("headers:" + kind);
        switch (kind) {
            case 0, 1, 2 -> {
                if (g.chance(0.25)) {
                    r.setHeader("Content-Type", null);
                    return false;
                }
                String type = g.chance(0.05) ? "application/json; x=" + "a".repeat(3000) : g.oneOf(CONTENT_TYPES);
                r.setHeader("Content-Type", type);
                if (type.startsWith("multipart") && g.chance(0.5)) {
                    formBody = ascii("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz--\r\n");
                } else if (type.contains("form-urlencoded") && g.chance(0.5)) {
                    formBody = ascii(g.oneOf("a=1&b=2", "url=x", "", "%zz=1", "a=%C0%AF"));
                }
            }
            case 3 -> r.setHeader("Expect", g.oneOf("100-continue", "100-Continue", "200-ok", "", "foo"));
            case 4 -> r.chunked = true;
            case 5 ->
                r.setHeader(
                        g.oneOf("Accept", "Accept-Encoding", "Accept-Charset", "Accept-Language"),
                        g.oneOf(
                                "application/json",
                                "text/html",
                                "*/*",
                                "application/xml",
                                "",
                                "image/png;q=0.1, */*;q=0",
                                "gzip, deflate, br",
                                "identity;q=0",
                                "utf-16"));
            case 6 -> r.setHeader("Content-Encoding", g.oneOf("gzip", "deflate", "br", "identity", "x", ""));
            case 7 -> {
                int count = g.oneOf(1, 10, 100);
                for (int i = 0; i < count; i++) {
                    r.headers.add(new String[] {"X-Fuzz-" + i, printable(g.between(0, 40))});
                }
            }
            case 8 -> r.setHeader("X-Long", "v".repeat(g.oneOf(1000, 4000, 8000, 9000)));
            default -> {
                String[][] choices = {
                    {"Connection", "close"},
                    {"Connection", "keep-alive"},
                    {"Connection", "Upgrade"},
                    {"Upgrade", "websocket"},
                    {"Upgrade", "h2c"},
                    {"HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"},
                    {"Origin", "http://evil.example"},
                    {"Authorization", "Bearer x"},
                    {"X-Api-Key", printable(20)},
                    {"Cookie", "a=b; c"},
                    {"Range", "bytes=0-1"},
                    {"If-None-Match", "*"},
                    {"X-HTTP-Method-Override", "DELETE"},
                    {"X-Forwarded-For", "1.2.3.4, ::1"},
                    {"TE", "trailers"}
                };
                String[] h = choices[g.between(0, choices.length - 1)];
                r.setHeader(h[0], h[1]);
            }
        }
        return true;
    }

    /** Printable ASCII (no space at the ends, where a header value loses it). */
    private String printable(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) g.between(0x21, 0x7e));
        }
        return s.toString();
    }

    // ---- bodies as values ----

    /** The body of a random route's valid call, for a route that takes none (a GET with a body). */
    private Object anyBody() {
        return g.oneOf(
                new JsonObject().put("workflow_name", "w"),
                new JsonObject().put("current_step", "s").put("status", "running"),
                new JsonObject().put("url", "https://example.com/f"),
                new JsonObject().put("articles", new JsonArray().add(new JsonObject().put("url", "u"))),
                new JsonObject().put("title", "t"),
                new JsonObject().put("alerts", new JsonArray().add(new JsonObject().put("title", "t"))),
                new JsonObject().put("version", "v").put("code", "c"),
                new JsonObject().put("is_active", false),
                new JsonObject());
    }

    /** Every field some route takes, and those the path names. */
    private static final String[] FIELDS = {
        "workflow_name", "initial_data", "status", "current_step", "data", "error_message", "id", "url", "title",
        "content", "articles", "message", "source_url", "alerts", "version", "code", "description", "created_by",
        "is_active", "agent_name", "created_at", "updated_at", "completed_at", "workflow_id", "history"
    };

    /** One structural mutation of the body. */
    private Object structure(Object body, Request r) {
        int kind = g.between(0, 11);
        r.mutations.add("structure:" + kind);
        if (!(body instanceof JsonObject o)) {
            return kind < 6 ? anyBody() : wrongValue();
        }
        JsonObject b = (JsonObject) copy(o);
        List<String> names = new ArrayList<>(b.fieldNames());
        String field = names.isEmpty() || g.chance(0.2) ? g.oneOf(FIELDS) : names.get(g.between(0, names.size() - 1));
        switch (kind) {
            case 0, 1, 2 -> b.put(field, wrongValue());
            case 3 -> b.remove(field);
            case 4 -> b.put(g.chance(0.5) ? g.oneOf(FIELDS) : g.text(12), g.value(2));
            case 5 -> {
                return g.chance(0.5) ? wrongValue() : new JsonArray().add(b);
            }
            case 6, 7 -> {
                return batch(b);
            }
            case 8 -> {
                List<Runnable> places = new ArrayList<>();
                nodes(b, places, this::wrongValue);
                places.get(g.between(0, places.size() - 1)).run();
            }
            case 9 -> b.put(field, deep(g.oneOf(10, 100, 499, 500, 501, 502, 998, 999, 1000, 1001, 5000)));
            case 10 -> b.put(field, idLike());
            default -> {
                List<Map.Entry<String, Object>> members = new ArrayList<>();
                b.forEach(e -> members.add(new AbstractMap.SimpleEntry<>(e.getKey(), e.getValue())));
                String key = names.isEmpty() ? field : names.get(g.between(0, names.size() - 1));
                members.add(g.between(0, members.size()), new AbstractMap.SimpleEntry<>(key, g.value(1)));
                return new Members(members);
            }
        }
        return b;
    }

    /** A deep copy that keeps {@link Raw} and {@link Members} values (JsonObject.copy refuses them). */
    private static Object copy(Object v) {
        if (v instanceof JsonObject o) {
            JsonObject c = new JsonObject();
            o.forEach(e -> c.put(e.getKey(), copy(e.getValue())));
            return c;
        } else if (v instanceof JsonArray a) {
            JsonArray c = new JsonArray();
            a.forEach(item -> c.add(copy(item)));
            return c;
        }
        return v;
    }

    /** Every place in {@code v} a value can be put: each member and item, and one more of each container. */
    private void nodes(Object v, List<Runnable> places, Supplier<Object> value) {
        if (v instanceof JsonObject o) {
            for (String k : new ArrayList<>(o.fieldNames())) {
                places.add(() -> o.put(k, value.get()));
                nodes(o.getValue(k), places, value);
            }
            places.add(() -> o.put(g.text(8), value.get()));
        } else if (v instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                int index = i;
                places.add(() -> a.set(index, value.get()));
                nodes(a.getValue(i), places, value);
            }
            places.add(() -> a.add(value.get()));
        }
    }

    /** A value of any type, often not the one the field takes. */
    private Object wrongValue() {
        return switch (g.between(0, 20)) {
            case 0 -> null;
            case 1 -> g.chance(0.5);
            case 2 -> g.oneOf(0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE);
            case 3 -> g.oneOf(Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53);
            case 4 -> new BigInteger("9".repeat(g.oneOf(20, 300, 999, 1000)));
            case 5 -> g.finiteDouble();
            case 6 -> g.oneOf("", " ", "\t", "\n", "\u00a0", "\u2028", "null", "true", "0");
            case 7 -> g.text(40);
            case 8 -> g.name(40);
            case 9 -> "x".repeat(g.oneOf(999, 1000, 1001, 8192, 8193, 70_000));
            case 10 -> new JsonArray();
            case 11 -> new JsonArray().add(1).add("a").add(new JsonObject());
            case 12 -> new JsonObject();
            case 13 -> g.object(2);
            case 14 -> g.value(4);
            case 15 ->
                Raw.of(g.oneOf(
                        "NaN",
                        "Infinity",
                        "-Infinity",
                        "1e400",
                        "-1e400",
                        "1e-400",
                        "-0",
                        "-0.0",
                        "0e0",
                        "1E+2",
                        "9223372036854775808",
                        "-9223372036854775809",
                        "1.7976931348623157e309",
                        "4.9e-325",
                        "01",
                        "+1",
                        ".5",
                        "1.",
                        "0x10",
                        "1" + "0".repeat(1000),
                        "0." + "1".repeat(2000),
                        "undefined",
                        "'x'",
                        "True",
                        "nul"));
            case 16 ->
                Raw.of("\"" + g.oneOf("\\ud800", "\\udc00", "\\udc00\\ud800", "a\\ud83d", "\\uD800\\u0041") + "\"");
            case 17 -> deep(g.oneOf(2, 50, 499, 500, 501, 1000, 1001));
            case 18 -> idLike();
            case 19 -> wide();
            default -> Raw.of("\"" + "\\u0000".repeat(g.between(1, 3)) + "\"");
        };
    }

    /** An id or name that means something to some route, or that a path would have to escape. */
    private Object idLike() {
        return switch (g.between(0, 4)) {
            case 0 -> fixture(g.oneOf("workflows", "articles", "agents", "agents"), g.oneOf(":id", ":version"));
            case 1 -> f.alerts().get(g.between(0, f.alerts().size() - 1));
            case 2 -> g.oneOf("a/b", "..", ".", "%zz", "%2F", "a b", "\u0000", "x\u0000y", "/api/articles", "?x=1");
            case 3 -> g.oneOf("pending", "running", "completed", "failed", "cancelled", "PENDING", "done");
            default -> "i".repeat(g.oneOf(1000, 1001, 4000));
        };
    }

    /** Many keys, or long ones. */
    private JsonObject wide() {
        JsonObject o = new JsonObject();
        boolean longKeys = g.chance(0.3);
        int n = longKeys ? g.oneOf(100, 1000, 4000) : g.oneOf(100, 1000, 10_000);
        for (int i = 0; i < n; i++) {
            o.put((longKeys ? "k".repeat(200) : "k") + i, i);
        }
        return o;
    }

    private Raw deep(int levels) {
        boolean arrays = g.chance(0.5);
        String open = arrays ? "[" : "{\"k\":";
        String close = arrays ? "]" : "}";
        return Raw.of(open.repeat(levels) + g.oneOf("1", "null", "\"x\"", "[]", "{}") + close.repeat(levels));
    }

    /** The body as a batch of its own kind (or of articles), near and past {@code limits.max_batch_items}. */
    private Object batch(JsonObject body) {
        String field = body.containsKey("alerts") || body.containsKey("title") ? "alerts" : "articles";
        JsonObject item = body.getValue(field) instanceof JsonArray a
                        && !a.isEmpty()
                        && a.getValue(0) instanceof JsonObject first
                ? first
                : field.equals("alerts") ? new JsonObject().put("title", "t") : new JsonObject().put("url", "u");
        int max = f.maxBatchItems();
        int size = g.oneOf(0, 1, 2, max - 1, max, max + 1, 2 * max, g.between(0, max + 2));
        JsonArray items = new JsonArray();
        // articles' ids: as the item has them, each new, one id for all, or ids that exist
        int ids = g.between(0, 3);
        String same = Entities.unique(g);
        for (int i = 0; i < size; i++) {
            JsonObject it = (JsonObject) copy(item);
            if (field.equals("articles") && ids > 0) {
                it.put("id", ids == 1 ? Entities.unique(g) : ids == 2 ? same : pick(f.articles()));
            }
            items.add(it);
        }
        int bad = g.between(0, 3);
        for (int i = 0; i < bad && !items.isEmpty(); i++) {
            int at = g.between(0, items.size() - 1);
            items.set(at, g.chance(0.5) ? wrongValue() : structure(items.getValue(at), new Request("")));
        }
        return new JsonObject().put(g.chance(0.9) ? field : g.oneOf("articles", "alerts"), items);
    }

    // ---- bodies as bytes ----

    /** {@code value} as JSON text, in forms drawn from {@code g}. */
    private byte[] write(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out);
        return out.toByteArray();
    }

    private void write(Object v, ByteArrayOutputStream out) {
        if (v instanceof Raw raw) {
            out.writeBytes(raw.text());
        } else if (v instanceof JsonObject o) {
            List<Map.Entry<String, Object>> members = new ArrayList<>();
            o.forEach(members::add);
            write(new Members(members), out);
        } else if (v instanceof Members m) {
            out.write('{');
            for (int i = 0; i < m.members().size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.writeBytes(RawJson.write(g, m.members().get(i).getKey()));
                out.write(':');
                write(m.members().get(i).getValue(), out);
            }
            out.write('}');
        } else if (v instanceof JsonArray a) {
            out.write('[');
            for (int i = 0; i < a.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                write(a.getValue(i), out);
            }
            out.write(']');
        } else {
            out.writeBytes(RawJson.write(g, v));
        }
    }

    /** RawJson's sequences that are not UTF-8, and a raw NUL (UTF-8, but not allowed unescaped in a JSON string). */
    private static final List<String> INVALID_UTF8 =
            Stream.concat(RawJson.INVALID_UTF8.stream(), Stream.of("00")).toList();

    /** One byte-level mutation of a body. */
    private byte[] bytes(byte[] body, Request r) {
        int kind = g.between(0, 14);
        r.mutations.add("bytes:" + kind);
        int at = g.between(0, body.length);
        return switch (kind) {
            case 0 -> Arrays.copyOf(body, at); // cut short
            case 1 -> splice(body, at, g.bytes(g.between(1, 8)));
            case 2 -> {
                byte[] b = body.clone();
                for (int i = g.between(1, 4); i > 0 && b.length > 0; i--) {
                    b[g.between(0, b.length - 1)] ^= (byte) (1 << g.between(0, 7));
                }
                yield b;
            }
            case 3 -> splice(body, quote(body), HexFormat.of().parseHex(g.oneOf(INVALID_UTF8)));
            case 4 -> splice(body, quote(body), ascii(g.oneOf("\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud800x")));
            case 5 ->
                splice(body, 0, HexFormat.of().parseHex(g.oneOf("EFBBBF", "EFBBBFEFBBBF", "FEFF", "FFFE", "EFBB")));
            case 6 ->
                concat(
                        body,
                        g.oneOf(
                                ascii(" "),
                                ascii("\n"),
                                ascii("x"),
                                ascii("}"),
                                ascii("{}"),
                                ascii(","),
                                ascii("]"),
                                new byte[] {0},
                                g.bytes(g.between(1, 20)),
                                body));
            case 7 ->
                g.oneOf(0, 1, 1, 2, 3) == 0
                        ? new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE)
                        : new String(body, StandardCharsets.UTF_8)
                                .getBytes(g.oneOf(
                                        StandardCharsets.UTF_16,
                                        StandardCharsets.UTF_16BE,
                                        StandardCharsets.ISO_8859_1));
            case 8 -> g.bytes(g.oneOf(0, 1, 2, 10, 100, 1000, 70_000));
            case 9 ->
                ascii(g.oneOf(
                        "",
                        " ",
                        "\r\n",
                        "null",
                        "[]",
                        "\"x\"",
                        "1",
                        "{",
                        "}",
                        "{\"a\"",
                        "{\"a\":}",
                        "{,}",
                        "{\"a\":1,}",
                        "[1,]",
                        "{'a':1}",
                        "{a:1}",
                        "/* */{}",
                        "{}//",
                        "\u0000{}",
                        "{\"a\":1}{\"b\":2}",
                        "NaN"));
            case 10 -> ascii("[".repeat(g.oneOf(999, 1000, 1001, 5000, 100_000)));
            case 11 ->
                pad(
                        body,
                        g.oneOf(
                                70_000,
                                f.maxBodyBytes() - 1 - body.length,
                                f.maxBodyBytes() - body.length,
                                f.maxBodyBytes() + 1 - body.length));
            case 12 -> {
                byte[] b = body.clone(); // a raw control character, or a quote, inside the text
                if (b.length > 0) {
                    b[g.between(0, b.length - 1)] = (byte) (int) g.oneOf(0, 1, 0x1f, 0x22, 0x5c, 0x7f, 0x0a);
                }
                yield b;
            }
            case 13 -> {
                int from = g.between(0, body.length);
                yield concat(
                        Arrays.copyOf(body, from), Arrays.copyOfRange(body, g.between(from, body.length), body.length));
            }
            default -> splice(body, at, ascii(g.oneOf("NaN", "Infinity", "-", "1e400", "\"", "\\", ":", "{", "[")));
        };
    }

    /** Just after a random double quote of {@code body} (inside a string, or just past one), or 0. */
    private int quote(byte[] body) {
        List<Integer> quotes = new ArrayList<>();
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '"') {
                quotes.add(i + 1);
            }
        }
        return quotes.isEmpty() ? 0 : quotes.get(g.between(0, quotes.size() - 1));
    }

    /** {@code body} with whitespace before its last byte, {@code extra} bytes longer (maybe nothing added). */
    private static byte[] pad(byte[] body, int extra) {
        if (extra <= 0 || body.length == 0) {
            return body;
        }
        byte[] spaces = new byte[extra];
        Arrays.fill(spaces, (byte) ' ');
        return splice(body, body.length - 1, spaces);
    }

    private static byte[] splice(byte[] b, int at, byte[] insert) {
        byte[] out = new byte[b.length + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at, out, at + insert.length, b.length - at);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return splice(a, a.length, b);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- raw requests ----

    /** Netty's limits (HttpServerOptions' defaults), with room for what the client adds. */
    private static final int LINE_LIMIT = 4096 - 64;

    private static final int HEADERS_LIMIT = 8192 - 256;

    /** See {@link Request#mayClose}. */
    private boolean overLimits(Request r) {
        int headers = 0;
        for (String[] h : r.headers) {
            headers += h[0].length() + h[1].length() + 4;
        }
        return r.method.length() + r.uri().length() + 10 > LINE_LIMIT
                || headers > HEADERS_LIMIT
                || (r.body != null && r.body.length > dropped());
    }

    private boolean overLimits(byte[] raw) {
        int line = 0;
        while (line < raw.length && raw[line] != '\n') {
            line++;
        }
        int head = line;
        while (head < raw.length && !blankLine(raw, head)) {
            head++;
        }
        return line > LINE_LIMIT || head - line > HEADERS_LIMIT || raw.length - head > dropped();
    }

    /** Whether the line feed at {@code i} ends an empty line. */
    private static boolean blankLine(byte[] b, int i) {
        return b[i] == '\n' && i >= 2 && (b[i - 1] == '\n' || (b[i - 1] == '\r' && b[i - 2] == '\n'));
    }

    /** How much of a refused body the server reads to drop it (BodyReader): past that it closes. */
    private int dropped() {
        return Math.max(2 * f.maxBodyBytes(), 2 << 20);
    }

    /**
     * Bodies over this go on a socket. The server may answer before it reads a body (a path it refuses, a body
     * over the limit), as HTTP allows; Vert.x's client then leaves the request after it on the same
     * connection without the end of its answer, when it was still sending the first body.
     */
    static final int CLIENT_BODY_LIMIT = 64 * 1024;

    /**
     * Whether the HTTP client sends the request as it is: a URI and headers of printable ASCII, no Expect
     * (Vert.x's client waits for 100 Continue, or not, by rules of its own), a body of at most {@link
     * #CLIENT_BODY_LIMIT}.
     */
    private static boolean sendable(Request r) {
        if (r.header("Expect") != null || (r.body != null && r.body.length > CLIENT_BODY_LIMIT)) {
            return false;
        }
        if (!printableAscii(r.uri(), false) || r.method.isEmpty()) {
            return false;
        }
        for (String[] h : r.headers) {
            if (!printableAscii(h[1], true)) {
                return false;
            }
        }
        return true;
    }

    private static boolean printableAscii(String s, boolean spaces) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || (c == ' ' && !spaces)) {
                return false;
            }
        }
        return true;
    }

    /** The request as bytes on a socket, with up to three mutations of the request line, headers or framing. */
    private void raw(Request r) {
        String method = r.method;
        String target = new String(r.uri().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String version = "HTTP/1.1";
        String sp = " ";
        String eol = "\r\n";
        String lead = "";
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", "127.0.0.1:" + f.port()});
        for (String[] h : r.headers) {
            headers.add(
                    new String[] {h[0], new String(h[1].getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)
                    });
        }
        if (g.chance(0.5)) {
            headers.add(new String[] {"Connection", "close"});
        }
        byte[] body = r.body;
        boolean chunked = body != null && (r.chunked || g.chance(0.2));
        String length = body == null || chunked ? null : Integer.toString(body.length);
        String encoding = chunked ? "chunked" : null;
        String chunkSize = null;
        String chunkExtension = "";
        String trailer = "";
        boolean lastChunk = true;
        byte[] after = new byte[0];
        int cut = -1;
        int flips = 0;
        boolean complete = true;
        r.mutations.add("raw");
        int n = g.chance(0.1) ? 0 : g.between(1, 3);
        for (int i = 0; i < n; i++) {
            int kind = g.between(0, 12);
            r.mutations.add("raw:" + kind);
            switch (kind) {
                case 0 ->
                    method = g.oneOf(
                            "get",
                            "Get",
                            "FOO",
                            "TRACE",
                            "CONNECT",
                            "PRI",
                            "M-SEARCH",
                            "G\u00c9T",
                            "",
                            "GET GET",
                            "A".repeat(1000),
                            "DELETE",
                            "HEAD",
                            "OPTIONS",
                            "PROPFIND",
                            "GET\u0000");
                case 1 -> {
                    String utf8 = new String(g.name(10).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
                    target = g.oneOf(
                            r.path + "/" + utf8,
                            r.path + "\u0001",
                            r.path + "\u007f",
                            r.path + " x",
                            "*",
                            "http://127.0.0.1:" + f.port() + r.uri(),
                            "http://example.com" + r.uri(),
                            "HTTP://127.0.0.1" + r.uri(),
                            "127.0.0.1:" + f.port(),
                            "",
                            r.uri().isEmpty() ? "" : r.uri().substring(1),
                            r.uri() + "#frag",
                            r.path.replace('/', '\\'),
                            r.path
                                    + new String(g.bytes(4), StandardCharsets.ISO_8859_1)
                                            .replace('\r', '.')
                                            .replace('\n', '.')
                                            .replace(' ', '.'));
                }
                case 2 -> {
                    version = g.oneOf(
                            "HTTP/1.0",
                            "HTTP/1.2",
                            "HTTP/2.0",
                            "http/1.1",
                            "HTTP/1.1 ",
                            "HTTP/11",
                            "HTTP/1",
                            "HTTP/1.1\u0000",
                            "XYZ/1.1",
                            "HTTP/1.10",
                            "HTTP/ 1.1",
                            "HTTP/0.9",
                            "");
                    complete &= !version.isEmpty(); // a request line without a version: HTTP/0.9, or more to come
                }
                case 3 -> {
                    if (g.chance(0.5)) {
                        sp = g.oneOf("  ", "\t", " \t");
                    } else {
                        eol = g.oneOf("\n", "\r");
                        complete &= eol.equals("\n");
                    }
                }
                case 4 -> lead = "\r\n".repeat(g.between(1, 3));
                case 5 -> {
                    int choice = g.between(0, 4);
                    headers.removeIf(h -> "Host".equals(h[0]) && choice != 1);
                    if (choice == 1) {
                        headers.add(new String[] {"Host", g.oneOf("127.0.0.1", "other.example")});
                    } else if (choice > 1) {
                        headers.add(0, new String[] {"Host", null});
                        headers.get(0)[1] = g.oneOf(
                                "",
                                "[::1]",
                                "a b",
                                "\u00fc",
                                "x".repeat(300),
                                "127.0.0.1:99999",
                                "evil.example",
                                "127.0.0.1:" + f.port() + "/x",
                                "@",
                                "[");
                    }
                }
                case 6 -> {
                    String[][] bad = {
                        {"NoColon", null},
                        {"Name ", "v"},
                        {" Leading", "space"},
                        {"X-Fold", "a\r\n\tb"},
                        {"Bad Name", "v"},
                        {"X-\u0001", "v"},
                        {"X-High", "\u00ff\u00fe\u0080"},
                        {"X-Nul", "a\u0000b"},
                        {"", "v"},
                        {"X-Empty", ""},
                        {"X-Long", "y".repeat(g.oneOf(8000, 9000, 20_000))}
                    };
                    String[] h = bad[g.between(0, bad.length - 1)];
                    headers.add(g.between(0, headers.size()), h);
                    if (g.chance(0.1)) {
                        for (int k = 0; k < 300; k++) {
                            headers.add(new String[] {"X-Many-" + k, "v"});
                        }
                    }
                }
                case 7 -> {
                    int len = body == null ? 0 : body.length;
                    int choice = g.between(0, 13);
                    chunked = false;
                    encoding = null;
                    length = switch (choice) {
                        case 0 -> "-1";
                        case 1 -> "abc";
                        case 2 -> len + ", " + len;
                        case 3 -> "+" + len;
                        case 4 -> " " + len + " ";
                        case 5 -> "0x" + Integer.toHexString(len);
                        case 6 -> "99999999999999999999";
                        case 7 -> Integer.toString(len + g.between(1, 100));
                        case 8 -> Integer.toString(Math.max(0, len - g.between(1, 10)));
                        case 9 -> "0";
                        case 10 -> "";
                        case 11 -> {
                            headers.add(new String[] {"Content-Length", Integer.toString(len + g.between(0, 1))});
                            yield Integer.toString(len);
                        }
                        case 12 -> "0" + len;
                        default -> Integer.toString(len);
                    };
                    // a length over the body waits for the rest; a malformed one may be read otherwise
                    complete &= choice == 8 || choice == 9 || choice == 13 || (len == 0 && choice != 7);
                    if (body == null) {
                        body = new byte[0];
                    }
                }
                case 8 -> {
                    if (body == null) {
                        body = ascii("{}");
                    }
                    chunked = g.chance(0.7);
                    encoding = g.oneOf(
                            "chunked",
                            "chunked, chunked",
                            "gzip, chunked",
                            "chunked, gzip",
                            "gzip",
                            "identity",
                            "Chunked",
                            "CHUNKED",
                            " chunked",
                            "chunked\u000b",
                            "xchunked",
                            "chunked;q=1");
                    if (g.chance(0.3)) {
                        length = Integer.toString(body.length);
                    }
                    complete = false; // a body framed two ways, or one way the server does not read
                }
                case 9 -> {
                    if (body == null) {
                        body = ascii("{}");
                    }
                    chunked = true;
                    encoding = "chunked";
                    length = null;
                    int choice = g.between(0, 8);
                    switch (choice) {
                        case 0 -> chunkExtension = ";a=b";
                        case 1 -> trailer = "X-Trailer: 1\r\n";
                        case 2 -> chunkSize = Integer.toHexString(body.length).toUpperCase();
                        case 3 -> chunkSize = "000" + Integer.toHexString(body.length);
                        case 4 -> chunkSize = "zz";
                        case 5 -> chunkSize = "fffffffffffffffff";
                        case 6 -> lastChunk = false;
                        case 7 -> chunkSize = "-" + body.length;
                        default -> chunkSize = Integer.toHexString(body.length) + " ";
                    }
                    complete &= choice <= 3;
                }
                case 10 -> {
                    headers.add(new String[] {"Expect", g.oneOf("100-continue", "100-Continue", "foo", "")});
                    if (body == null) {
                        body = ascii("{}");
                        length = chunked ? null : "2";
                    }
                }
                case 11 -> {
                    int choice = g.between(0, 3);
                    if (choice == 0) {
                        flips = g.between(1, 4);
                        complete = false;
                    } else if (choice == 1) {
                        cut = g.between(0, 10_000);
                        complete = false;
                    } else if (choice == 2) {
                        after = g.chance(0.5)
                                ? g.bytes(g.between(1, 100))
                                : ascii("GET /api/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    } else {
                        after = ascii(g.oneOf("\r\n", "\r\n\r\n", "0\r\n\r\n"));
                    }
                }
                default -> {
                    String whole = g.oneOf(
                            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                            "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"
                                    + "Connection: Upgrade, HTTP2-Settings\r\n\r\n",
                            "GET /api/health/live HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                            "\r\n\r\n",
                            "GET\r\n\r\n",
                            " / HTTP/1.1\r\nHost: localhost\r\n\r\n",
                            "GET / HTTP/1.1\r\n\r\n",
                            "GET / HTTP/1.0\r\n\r\n");
                    r.method = whole.trim().split("[ \r\n]")[0];
                    r.raw = ascii(whole);
                    r.complete = !whole.startsWith("PRI") && !whole.equals("GET\r\n\r\n") && !whole.equals("\r\n\r\n");
                    return;
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii(lead + method + sp + target + (version.isEmpty() ? "" : sp + version) + eol));
        for (String[] h : headers) {
            out.writeBytes(ascii(h[0] + (h[1] == null ? "" : ": " + h[1]) + eol));
        }
        if (length != null) {
            out.writeBytes(ascii("Content-Length: " + length + eol));
        }
        if (encoding != null) {
            out.writeBytes(ascii("Transfer-Encoding: " + encoding + eol));
        }
        out.writeBytes(ascii(eol));
        if (body != null) {
            if (chunked) {
                if (body.length > 0) {
                    String size = chunkSize != null ? chunkSize : Integer.toHexString(body.length);
                    out.writeBytes(ascii(size + chunkExtension + "\r\n"));
                    out.writeBytes(body);
                    out.writeBytes(ascii("\r\n"));
                }
                if (lastChunk) {
                    out.writeBytes(ascii("0\r\n" + trailer + "\r\n"));
                }
            } else {
                out.writeBytes(body);
            }
        }
        out.writeBytes(after);
        byte[] bytes = out.toByteArray();
        for (int i = 0; i < flips; i++) {
            int headEnd = Math.max(1, Math.min(bytes.length, bytes.length - (body == null ? 0 : body.length)));
            bytes[g.between(0, headEnd - 1)] = (byte) g.between(0, 255);
        }
        if (cut >= 0 && cut < bytes.length) {
            bytes = Arrays.copyOf(bytes, cut);
        }
        r.method = method;
        r.raw = bytes;
        r.complete = complete;
    }
}
