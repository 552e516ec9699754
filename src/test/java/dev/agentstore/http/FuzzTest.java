package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Entities;
import dev.agentstore.support.Generated;
import dev.agentstore.support.LogRecords;
import dev.agentstore.support.RawHttp;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Generated requests ({@link FuzzInputs}) against every route, tens of thousands in {@code mvn verify}, most
 * over an HTTP client with {@value #IN_FLIGHT} in flight and about one in eight as raw bytes on a socket.
 * Every answer must be below 500 (or a 503 with Retry-After), JSON or problem+json that parses, a problem
 * with its fields and no stack trace; and afterwards the server is healthy and has logged nothing SEVERE.
 * A failure prints each failing case's seed and the flags that replay it alone; {@code
 * -Dagentstore.test.tries=N} runs N cases (docs/api.md, "Tests").
 */
@DisplayName("No request, however malformed, gets a 5xx or an answer that is not JSON, and the server stays healthy")
@RealServer(config = "database: {workflow: {synchronous: NORMAL}}\nlimits: {max_batch_items: 100}")
class FuzzTest {
    static final int CASES = 40_000;
    static final int IN_FLIGHT = 24;
    static final int RAW_THREADS = 6;
    /** How long a case may wait for its answer: longer is a hang. */
    static final int ANSWER_MS = 10_000;
    /** Failures after which no more cases are sent: the first few say enough. */
    static final int ENOUGH_FAILURES = 500;

    static TestServer server;
    static LogRecords logs;
    static FuzzInputs.Fixtures fixtures;

    @BeforeAll
    static void fixtures() {
        logs = LogRecords.capture();
        List<String> workflows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            workflows.add(json(
                            201,
                            server.send(
                                    HttpMethod.POST, "/api/workflows", new JsonObject().put("workflow_name", "f" + i)))
                    .getString("id"));
        }
        List<String> articles = List.of("a1", "a/b é", "x");
        for (String id : articles) {
            json(
                    201,
                    server.send(
                            HttpMethod.POST,
                            "/api/articles",
                            new JsonObject().put("id", id).put("url", "u")));
        }
        List<Long> alerts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alerts.add(json(201, server.send(HttpMethod.POST, "/api/alerts", new JsonObject().put("title", "f")))
                    .getLong("id"));
        }
        List<String> agents = List.of("fixture", "agent ü/x");
        List<String> versions = List.of("1", "2");
        for (String agent : agents) {
            for (String version : versions) {
                json(
                        201,
                        server.send(
                                HttpMethod.POST,
                                "/api/agents/" + Entities.segment(agent) + "/versions",
                                new JsonObject().put("version", version).put("code", "c")));
            }
        }
        fixtures = new FuzzInputs.Fixtures(
                workflows,
                articles,
                alerts,
                agents,
                versions,
                server.config.limits().maxBatchItems(),
                server.config.http().maxBodyBytes(),
                server.started.port());
    }

    @AfterAll
    static void stopCapture() {
        logs.close();
    }

    /** Each mounted route ({@code METHOD /path/:param}) with its valid calls, from EveryRouteTest. */
    static Map<String, List<EveryRouteTest.Call>> routes() {
        return EveryRouteTest.calls()
                .collect(Collectors.groupingBy(c -> c.method() + " " + c.route(), TreeMap::new, Collectors.toList()));
    }

    static Set<String> mounted() {
        return HttpVerticle.routes(server.vertx, server.store).stream()
                .map(r -> r.method() + " " + r.path())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    @DisplayName("the fuzzer draws from a valid call of every route the API mounts, so a new route is fuzzed too")
    void fuzzerCoversEveryRoute() {
        assertEquals(
                mounted(),
                routes().keySet(),
                "a mounted route without a valid call is not fuzzed: add one to EveryRouteTest.calls()");
    }

    @Test
    @DisplayName("each route's valid call with each of GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS passes the same"
            + " checks")
    void everyMethodOnEveryRoute() {
        List<String> failures = new ArrayList<>();
        EveryRouteTest.calls().forEach(call -> {
            for (String method : FuzzInputs.METHODS) {
                FuzzInputs.Request r = new FuzzInputs.Request(call.method() + " " + call.route());
                r.method = method;
                r.path = call.uri()
                        .replace("WORKFLOW", fixtures.workflows().get(0))
                        .replace("ALERT", Long.toString(fixtures.alerts().get(0)));
                r.body = call.body() == null ? null : call.body().getBytes(StandardCharsets.UTF_8);
                var res = server.send(HttpMethod.valueOf(method), r.path, call.body());
                Buffer body = res.body() == null ? Buffer.buffer() : res.body();
                Answer a = new Answer(
                        res.statusCode(),
                        res.getHeader("Content-Type"),
                        res.getHeader("Retry-After"),
                        body.getBytes(),
                        true,
                        res.statusCode() + " " + res.headers().entries());
                String problem = check(r, a, null);
                if (problem != null) {
                    failures.add(method + " " + r.path + ": " + problem + "; " + a.head() + " " + body);
                }
            }
        });
        assertEquals(List.of(), failures);
    }

    @Test
    @DisplayName(
            "the checks refuse what they must: a 5xx, a 503 without Retry-After, a body that is not JSON, a problem"
                    + " without its fields or with a stack trace, a hang")
    void checksRefuseWhatTheyMust() {
        FuzzInputs.Request r = new FuzzInputs.Request("GET /api/articles/:id");
        r.method = "GET";
        r.path = "/api/articles/x";
        String problem = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no\"}";
        assertEquals(null, check(r, answer(404, Problems.CONTENT_TYPE, null, problem), null));
        assertEquals(null, check(r, answer(503, Problems.CONTENT_TYPE, "1", problem.replace("404", "503")), null));
        assertEquals(null, check(r, answer(200, "application/json;charset=UTF-8", null, "{\"status\":\"UP\"}"), null));
        assertEquals("a 500", check(r, answer(500, Problems.CONTENT_TYPE, null, problem.replace("404", "500")), null));
        assertEquals("a 501", check(r, answer(501, null, null, ""), null));
        assertEquals("a 503 without Retry-After", check(r, answer(503, "application/json", null, "{}"), null));
        assertEquals("a 400 without a problem body", check(r, answer(400, null, null, ""), null));
        assertEquals(
                "an answer with a body that is not JSON (Content-Type text/plain)",
                check(r, answer(400, "text/plain", null, "Bad Request"), null));
        assertTrue(check(r, answer(200, "application/json", null, "{\"a\":"), null)
                .startsWith("the body does not parse as JSON"));
        assertEquals(
                "a problem without type, title, status and detail",
                check(r, answer(404, Problems.CONTENT_TYPE, null, "{\"status\":404}"), null));
        assertEquals(
                "a problem whose status 400 is not the answer's 404",
                check(r, answer(404, Problems.CONTENT_TYPE, null, problem.replace("404", "400")), null));
        assertEquals(
                "the body holds stack trace text 'at dev.'",
                check(r, answer(400, Problems.CONTENT_TYPE, null, problem.replace("\"no\"", "\"x at dev.X\"")), null));
        assertEquals("the answer is not HTTP/1.x", check(r, answer(-1, null, null, ""), null));
        assertTrue(check(r, null, new java.util.concurrent.TimeoutException()).startsWith("no answer"));
        assertEquals("the server closed the connection without answering a whole request", check(r, null, null));
        r.complete = false;
        assertEquals(null, check(r, null, null), "a request cut short may be closed without an answer");
    }

    private static Answer answer(int status, String type, String retryAfter, String body) {
        return new Answer(status, type, retryAfter, body.getBytes(StandardCharsets.UTF_8), true, "");
    }

    /** What came back: over the client, or read from the socket (then {@code whole} may be false). */
    record Answer(int status, String contentType, String retryAfter, byte[] body, boolean whole, String head) {}

    /** The cases of one run: those in flight, and what the answered ones came to. */
    private static final class Run {
        final long[] seeds = Generated.seeds(CASES);
        final Map<Integer, FuzzInputs.Request> inFlight = new ConcurrentHashMap<>();
        final AtomicInteger failed = new AtomicInteger();
        /** Each kind of failure (its text without numbers), and the description of its first case. */
        final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();

        final Queue<String> firstOfKind = new ConcurrentLinkedQueue<>();
        final Map<String, LongAdder> perRoute = new ConcurrentHashMap<>();
        final Map<Integer, LongAdder> perStatus = new ConcurrentHashMap<>();
        final LongAdder raw = new LongAdder();

        void sent(int index, FuzzInputs.Request r) {
            inFlight.put(index, r);
            perRoute.computeIfAbsent(r.route, k -> new LongAdder()).increment();
            if (r.raw != null) {
                raw.increment();
            }
        }

        void answered(int index, FuzzInputs.Request r, Answer a, Throwable err) {
            inFlight.remove(index);
            if (a != null) {
                perStatus.computeIfAbsent(a.status(), k -> new LongAdder()).increment();
            }
            String problem;
            try {
                problem = check(r, a, err);
            } catch (RuntimeException e) {
                problem = "the check failed: " + e;
            }
            if (problem != null) {
                failed.incrementAndGet();
                LongAdder count = kinds.computeIfAbsent(problem.replaceAll("[0-9]+", "N"), k -> new LongAdder());
                count.increment();
                if (count.sum() == 1) {
                    firstOfKind.add(describe(index, seeds.length, seeds[index], r, a, err, problem));
                }
            }
        }

        String hung() {
            return inFlight.entrySet().stream()
                    .limit(5)
                    .map(e -> describe(e.getKey(), seeds.length, seeds[e.getKey()], e.getValue(), null, null, "hung"))
                    .collect(Collectors.joining("\n\n"));
        }
    }

    @Test
    @DisplayName("every generated request gets an answer below 500 (or 503 with Retry-After) that is JSON;"
            + " the server is healthy after, with nothing SEVERE logged")
    void noInputGetsA5xxOrAnAnswerThatIsNotJson() throws Exception {
        List<List<EveryRouteTest.Call>> routes = new ArrayList<>(routes().values());
        Run run = new Run();
        Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Context clientContext = clientVertx.getOrCreateContext();
        HttpClientAgent client = clientVertx.createHttpClient(
                new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.started.port()),
                new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
        ExecutorService sockets = Executors.newFixedThreadPool(RAW_THREADS);
        Semaphore slots = new Semaphore(IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(run.seeds.length);
        long start = System.nanoTime();
        int sent = 0;
        try {
            for (; sent < run.seeds.length && run.failed.get() < ENOUGH_FAILURES; sent++) {
                slots.acquire();
                int index = sent;
                FuzzInputs.Request r = draw(run.seeds[index], index, routes);
                run.sent(index, r);
                CompletableFuture<Answer> answer = r.raw != null
                        ? CompletableFuture.supplyAsync(() -> overSocket(r), sockets)
                        : overClient(clientContext, client, r);
                answer.whenComplete((a, err) -> {
                    run.answered(index, r, a, err);
                    slots.release();
                    done.countDown();
                });
            }
            for (int i = sent; i < run.seeds.length; i++) {
                done.countDown(); // not sent: enough failed already
            }
            if (!done.await(3L * ANSWER_MS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("cases neither answered nor timed out:\n\n" + run.hung()
                        + "\n\nand the first failure of each kind:\n\n" + String.join("\n\n", run.firstOfKind));
            }
        } finally {
            sockets.shutdownNow();
            TestServer.await(clientVertx.close());
        }
        System.out.printf(
                "FuzzTest: %d cases (%d on raw sockets) in %d ms, %d failed%n  statuses: %s%n  routes: %s%n",
                sent,
                run.raw.sum(),
                (System.nanoTime() - start) / 1_000_000,
                run.failed.get(),
                new TreeMap<>(run.perStatus),
                new TreeMap<>(run.perRoute));
        assertTrue(
                run.failed.get() == 0,
                run.failed.get() + " of " + sent + " cases failed " + new TreeMap<>(run.kinds)
                        + "; the first of each kind:\n\n" + String.join("\n\n", run.firstOfKind));

        assertEquals(200, server.get("/api/health/live").statusCode());
        assertEquals(200, server.get("/api/health/ready").statusCode());
        assertEquals("healthy", json(200, server.get("/api/health/db")).getString("status"));
        String severe = LogRecords.describe(logs.records().stream()
                .filter(rec -> rec.getLevel().intValue() >= Level.SEVERE.intValue())
                .collect(Collectors.toList()));
        assertEquals("", severe, "nothing SEVERE logged");
        if (run.seeds.length >= 100 * routes.size()) {
            assertEquals(routes.size(), run.perRoute.size(), "every route got cases: " + run.perRoute.keySet());
        }
    }

    private static FuzzInputs.Request draw(long seed, int index, List<List<EveryRouteTest.Call>> routes) {
        try {
            return FuzzInputs.request(Generated.of(seed, index), fixtures, routes);
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "the generator failed on case " + (index + 1) + "; replay: mvn test -Dtest=FuzzTest "
                            + Generated.replay(seed),
                    e);
        }
    }

    /**
     * Sends {@code r} over the client, on the client's one event loop: a response handled on another thread
     * than the one that asked for it may have ended before its body is asked for, and that body never comes.
     * A failure says how far the request got.
     */
    private static CompletableFuture<Answer> overClient(Context context, HttpClientAgent client, FuzzInputs.Request r) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(r.method))
                .setURI(r.uri())
                .setConnectTimeout(ANSWER_MS)
                .setIdleTimeout(ANSWER_MS);
        for (String[] h : r.headers) {
            options.addHeader(h[0], h[1]);
        }
        AtomicReference<String> stage = new AtomicReference<>("waiting for a connection");
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        context.runOnContext(v -> client.request(options)
                .compose(req -> {
                    stage.set("sent on " + req.connection().localAddress());
                    req.setChunked(r.chunked);
                    return r.body == null ? req.send() : req.send(Buffer.buffer(r.body));
                })
                .compose(res -> {
                    stage.set(stage.get() + ", reading the body of a " + res.statusCode());
                    return res.body().map(body -> answer(res, body));
                })
                .onSuccess(answer::complete)
                .onFailure(answer::completeExceptionally));
        return answer.orTimeout(2L * ANSWER_MS, TimeUnit.MILLISECONDS).exceptionally(e -> {
            throw new CompletionException(stage.get() + ": " + e, e);
        });
    }

    private static Answer answer(HttpClientResponse res, Buffer body) {
        StringBuilder head = new StringBuilder(res.statusCode() + " " + res.statusMessage());
        res.headers()
                .forEach(h ->
                        head.append("\n    ").append(h.getKey()).append(": ").append(h.getValue()));
        return new Answer(
                res.statusCode(),
                res.getHeader("Content-Type"),
                res.getHeader("Retry-After"),
                body.getBytes(),
                true,
                head.toString());
    }

    private static Answer overSocket(FuzzInputs.Request r) {
        try {
            RawHttp.Response res =
                    RawHttp.exchangeOne(server.started.port(), r.raw, r.method.equals("HEAD"), !r.complete, ANSWER_MS);
            return res == null
                    ? null
                    : new Answer(
                            res.status(),
                            res.header("Content-Type"),
                            res.header("Retry-After"),
                            res.body(),
                            res.whole(),
                            res.head().replace("\r\n", "\n    "));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String[] STACK_TRACE = {"at dev.", "Exception", ".java:"};

    /** What is wrong with the answer, or null. */
    static String check(FuzzInputs.Request r, Answer a, Throwable err) {
        if (err != null) {
            return "no answer: "
                    + (err instanceof CompletionException && err.getMessage() != null ? err.getMessage() : err);
        }
        if (a == null) {
            return r.complete && !r.mayClose
                    ? "the server closed the connection without answering a whole request"
                    : null;
        }
        if (a.status() < 0) {
            return "the answer is not HTTP/1.x";
        }
        // An event stream's end is its connection closing; one whose request body never came is closed so too.
        if (!a.whole() && !r.mayClose && !(a.status() == 200 && "text/event-stream".equals(a.contentType()))) {
            return "the answer was cut short";
        }
        if (a.status() >= 500 && !(a.status() == 503 && a.retryAfter() != null)) {
            return "a " + a.status() + (a.status() == 503 ? " without Retry-After" : "");
        }
        boolean head = r.method.equals("HEAD");
        if (a.body().length == 0) {
            return a.status() >= 400 && !head ? "a " + a.status() + " without a problem body" : null;
        }
        String type = a.contentType() == null
                ? ""
                : a.contentType().split(";")[0].trim().toLowerCase();
        if (a.status() == 200 && MetricsRoutes.CONTENT_TYPE.equals(a.contentType())) {
            return null; // GET /metrics, a route whose answer is not JSON: MetricsTest parses it
        }
        if (a.status() == 200 && OpenApiRoutes.YAML_TYPE.equals(a.contentType())) {
            return null; // GET /openapi.yaml, the other one: OpenApiContractTest reads it
        }
        if (a.status() == 200
                && Set.of(Assets.HTML, Assets.JS, Assets.CSS, Assets.PNG).contains(a.contentType())) {
            return null; // the pages of /dashboard and /docs and their files: DashboardTest and DocsTest check them
        }
        if (a.status() == 200 && "text/event-stream".equals(a.contentType())) {
            return null; // the change stream and a watch (follow=false ends them): ChangeFeedTest parses them
        }
        if (!type.equals("application/json") && !type.equals(Problems.CONTENT_TYPE)) {
            return "an answer with a body that is not JSON (Content-Type " + a.contentType() + ")";
        }
        Object value;
        try {
            value = Json.decodeValue(Buffer.buffer(a.body()));
        } catch (RuntimeException e) {
            return "the body does not parse as JSON: " + e.getMessage();
        }
        String text = new String(a.body(), StandardCharsets.UTF_8);
        String sent = r.uri()
                + new String(r.body == null ? new byte[0] : r.body, StandardCharsets.ISO_8859_1)
                + (r.raw == null ? "" : new String(r.raw, StandardCharsets.ISO_8859_1));
        for (String trace : STACK_TRACE) {
            if (text.contains(trace) && !sent.contains(trace)) {
                return "the body holds stack trace text '" + trace + "'";
            }
        }
        if (type.equals(Problems.CONTENT_TYPE)) {
            if (!(value instanceof JsonObject p)
                    || !(p.getValue("type") instanceof String)
                    || !(p.getValue("title") instanceof String)
                    || !(p.getValue("detail") instanceof String)
                    || !(p.getValue("status") instanceof Integer s)) {
                return "a problem without type, title, status and detail";
            }
            if (s != a.status()) {
                return "a problem whose status " + s + " is not the answer's " + a.status();
            }
        }
        return null;
    }

    static String describe(int index, int of, long seed, FuzzInputs.Request r, Answer a, Throwable err, String why) {
        StringBuilder s = new StringBuilder();
        s.append("case ")
                .append(index + 1)
                .append(" of ")
                .append(of)
                .append(" (seed ")
                .append(seed)
                .append("): ");
        s.append(why)
                .append("\n  route drawn: ")
                .append(r.route)
                .append("; mutations: ")
                .append(r.mutations);
        if (r.raw != null) {
            s.append("\n  raw bytes on a socket (")
                    .append(r.raw.length)
                    .append(" bytes")
                    .append(r.complete ? "" : ", not a whole request: the output then shut")
                    .append("): ")
                    .append(preview(r.raw, 600));
        } else {
            s.append("\n  request: ")
                    .append(r.method)
                    .append(' ')
                    .append(preview(r.uri().getBytes(), 300));
            for (String[] h : r.headers) {
                s.append("\n    ").append(h[0]).append(": ").append(preview(h[1].getBytes(), 100));
            }
            if (r.chunked) {
                s.append("\n    (chunked)");
            }
            s.append("\n  body: ").append(r.body == null ? "none" : r.body.length + " bytes: " + preview(r.body, 300));
        }
        if (a != null) {
            s.append("\n  answer: ")
                    .append(a.head())
                    .append("\n  answer body: ")
                    .append(preview(a.body(), 500));
        } else if (err != null) {
            s.append("\n  no answer: ").append(err);
        } else {
            s.append("\n  no answer: the connection was closed");
        }
        s.append("\n  replay: mvn test -Dtest=FuzzTest ").append(Generated.replay(seed));
        return s.toString();
    }

    /** Up to {@code max} bytes, printable ASCII as it is and every other byte as \xNN. */
    static String preview(byte[] bytes, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int b = bytes[i] & 0xff;
            s.append(b >= 0x20 && b < 0x7f && b != '\\' ? String.valueOf((char) b) : String.format("\\x%02X", b));
        }
        return bytes.length > max ? s + "... (" + bytes.length + " bytes)" : s.toString();
    }
}
