package dev.agentstore.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian's {@code chromium}; .ci/run installs it) driven over the Chrome DevTools Protocol, for
 * tests of the pages the server serves: open a URL, evaluate JavaScript, click and type as a user does, wait for a
 * condition, save a screenshot. One browser process with a fresh profile and one page (tab) per instance; {@link
 * #close} ends the process and deletes the profile.
 *
 * <p>CDP rather than Playwright or Selenium: both want to download a browser or a driver of their own, and this
 * machine has no internet. The protocol is JSON over one WebSocket (the JDK's client: the calls here block, as a
 * test does, and need no event loop); the page's session is attached "flat", so its commands and events travel on
 * that same socket with a {@code sessionId}. The browser's console errors, uncaught exceptions and policy
 * violations (a Content-Security-Policy refusal) are kept: {@link #problems}.
 */
public final class Browser implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 1000;

    private final Process process;
    private final Path profile;
    private final ArrayDeque<String> stderr;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<JsonObject>>> awaited = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final String session;

    private Browser(Process process, Path profile, ArrayDeque<String> stderr, String url) {
        this.process = process;
        this.profile = profile;
        this.stderr = stderr;
        this.socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(START)
                .buildAsync(URI.create(url), new Listener())
                .orTimeout(START.toSeconds(), TimeUnit.SECONDS)
                .join();
        String target = call(null, "Target.createTarget", new JsonObject().put("url", "about:blank"))
                .getString("targetId");
        this.session = call(
                        null,
                        "Target.attachToTarget",
                        new JsonObject().put("targetId", target).put("flatten", true))
                .getString("sessionId");
        send("Page.enable");
        send("Runtime.enable");
        send("Log.enable");
        send(
                "Emulation.setDeviceMetricsOverride",
                new JsonObject()
                        .put("width", WIDTH)
                        .put("height", HEIGHT)
                        .put("deviceScaleFactor", 1)
                        .put("mobile", false));
    }

    /**
     * Starts headless Chromium with a fresh profile. Fails, saying what to install, when there is none: the
     * browser tests need it (README), and a test that skips itself proves nothing.
     */
    public static Browser launch() {
        String chromium = executable();
        Path profile;
        try {
            profile = Files.createTempDirectory("agentstore-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder pb = new ProcessBuilder(
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-background-networking",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-extensions",
                        "--no-first-run",
                        "--no-default-browser-check",
                        "--mute-audio",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--window-size=" + WIDTH + "," + HEIGHT,
                        "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + chromium + ": " + e.getMessage(), e);
        }
        ArrayDeque<String> stderr = new ArrayDeque<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStderr(process, stderr, url), "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return new Browser(process, profile, stderr, url.get(START.toSeconds(), TimeUnit.SECONDS));
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            kill(process);
            delete(profile);
            throw new AssertionError("headless Chromium did not start: " + e + "; its stderr: " + tail(stderr), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            delete(profile);
            throw new AssertionError("interrupted while Chromium started", e);
        }
    }

    /** The first of chromium, chromium-browser on the PATH. */
    static String executable() {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin:/bin");
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new AssertionError("the browser tests need headless Chromium, and neither chromium nor chromium-browser"
                + " is on the PATH: apt-get install chromium (Debian; .ci/run installs it when it is missing)");
    }

    /** Drains chromium's stderr for good (a full pipe would stop it), keeping the last lines for a failure. */
    private static void readStderr(Process process, ArrayDeque<String> lines, CompletableFuture<String> url) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (lines) {
                    lines.addLast(line);
                    if (lines.size() > 40) {
                        lines.removeFirst();
                    }
                }
                Matcher m = DEVTOOLS.matcher(line);
                if (m.find()) {
                    url.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            // the process is gone; what it said is in the lines
        }
        url.completeExceptionally(new IllegalStateException("chromium exited before it listened for DevTools"));
    }

    private static String tail(ArrayDeque<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** Opens {@code url} in the page and waits for its load event (scripts with defer have run by then). */
    public void open(String url) {
        CompletableFuture<JsonObject> loaded = next("Page.loadEventFired");
        JsonObject r = send("Page.navigate", new JsonObject().put("url", url));
        if (r.getString("errorText") != null) {
            throw new AssertionError("cannot open " + url + ": " + r.getString("errorText"));
        }
        await(loaded, "the load of " + url);
    }

    /**
     * The value of a JavaScript expression in the page, as JSON gives it (String, Boolean, Number, JsonObject,
     * JsonArray, null); a promise is awaited. An exception in the page fails with its message.
     */
    public Object evaluate(String expression) {
        JsonObject r = send(
                "Runtime.evaluate",
                new JsonObject()
                        .put("expression", expression)
                        .put("returnByValue", true)
                        .put("awaitPromise", true));
        JsonObject thrown = r.getJsonObject("exceptionDetails");
        if (thrown != null) {
            JsonObject exception = thrown.getJsonObject("exception", new JsonObject());
            throw new AssertionError("the page threw on " + expression + ": "
                    + exception.getString("description", thrown.getString("text")));
        }
        return r.getJsonObject("result").getValue("value");
    }

    /** {@code textContent} of the first element that {@code selector} matches; fails when none does. */
    public String text(String selector) {
        return (String) evaluate("(function () { const e = document.querySelector(" + quote(selector) + ");"
                + " if (!e) throw new Error('no element matches ' + " + quote(selector)
                + "); return e.textContent; })()");
    }

    /** Whether some element matches {@code selector} and is displayed. */
    public boolean visible(String selector) {
        return Boolean.TRUE.equals(evaluate("(function () { const e = document.querySelector(" + quote(selector)
                + "); return !!e && e.getClientRects().length > 0; })()"));
    }

    /**
     * Clicks the middle of the first element that {@code selector} matches with the mouse, as a user does
     * (pressed and released there: the page's own handlers run, React's too).
     */
    public void click(String selector) {
        JsonObject box = (JsonObject) evaluate("(function () { const e = document.querySelector(" + quote(selector)
                + "); if (!e) throw new Error('no element matches ' + " + quote(selector) + ");"
                + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                + " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()");
        for (String type : List.of("mousePressed", "mouseReleased")) {
            send(
                    "Input.dispatchMouseEvent",
                    new JsonObject()
                            .put("type", type)
                            .put("x", box.getDouble("x"))
                            .put("y", box.getDouble("y"))
                            .put("button", "left")
                            .put("clickCount", 1));
        }
    }

    /** Focuses the element that {@code selector} matches and types {@code text} into it, as a keyboard would. */
    public void type(String selector, String text) {
        evaluate("(function () { const e = document.querySelector(" + quote(selector) + ");"
                + " if (!e) throw new Error('no element matches ' + " + quote(selector) + "); e.focus(); })()");
        send("Input.insertText", new JsonObject().put("text", text));
    }

    /** Presses Enter in the focused element (a form is submitted as by a user). */
    public void pressEnter() {
        for (String type : List.of("keyDown", "keyUp")) {
            JsonObject key = new JsonObject()
                    .put("type", type)
                    .put("key", "Enter")
                    .put("code", "Enter")
                    .put("windowsVirtualKeyCode", 13);
            if (type.equals("keyDown")) {
                key.put("text", "\r");
            }
            send("Input.dispatchKeyEvent", key);
        }
    }

    /**
     * Waits until the JavaScript {@code condition} is true in the page, checking every 50 ms, and fails after
     * {@code timeout} saying {@code what}, with the browser's problems so far.
     */
    public void waitFor(String what, String condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(evaluate("!!(" + condition + ")"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what + " (" + condition
                        + "); the page's problems: " + problems);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** Saves the whole page, not only the window, as a PNG; makes the directories it needs. */
    public Path screenshot(Path file) {
        JsonObject size = send("Page.getLayoutMetrics").getJsonObject("cssContentSize");
        JsonObject r = send(
                "Page.captureScreenshot",
                new JsonObject()
                        .put("format", "png")
                        .put("captureBeyondViewport", true)
                        .put(
                                "clip",
                                new JsonObject()
                                        .put("x", 0)
                                        .put("y", 0)
                                        .put("width", Math.max(WIDTH, size.getDouble("width")))
                                        .put("height", Math.max(1, size.getDouble("height")))
                                        .put("scale", 1)));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(r.getString("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * What went wrong in the page so far: console errors and warnings, uncaught exceptions, and the browser's own
     * errors (a resource refused, a Content-Security-Policy violation), one line each.
     */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Ends the browser (politely, then by force) and deletes its profile. */
    @Override
    public void close() {
        try {
            call(null, "Browser.close", new JsonObject());
        } catch (RuntimeException | AssertionError e) {
            // it may close the socket before it answers; the process is waited for below
        }
        socket.abort();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
        }
        delete(profile);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a profile left in the temp dir harms nothing
        }
    }

    /** A JavaScript string literal of {@code s}. */
    static String quote(String s) {
        return new JsonArray().add(s).encode().replaceAll("^\\[|\\]$", "");
    }

    private JsonObject send(String method) {
        return send(method, new JsonObject());
    }

    /** A command to the page's session; its result. */
    private JsonObject send(String method, JsonObject params) {
        return call(session, method, params);
    }

    private JsonObject call(String sessionId, String method, JsonObject params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        JsonObject message =
                new JsonObject().put("id", id).put("method", method).put("params", params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        synchronized (socket) { // one message at a time: the JDK's WebSocket refuses overlapping sends
            socket.sendText(message.encode(), true)
                    .orTimeout(COMMAND.toSeconds(), TimeUnit.SECONDS)
                    .join();
        }
        JsonObject reply = await(answer, method);
        if (reply.containsKey("error")) {
            throw new AssertionError(
                    method + " failed: " + reply.getJsonObject("error").encode());
        }
        return reply.getJsonObject("result", new JsonObject());
    }

    /** The next event named {@code method} on the page's session (registered before the action that causes it). */
    private CompletableFuture<JsonObject> next(String method) {
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        awaited.computeIfAbsent(method, m -> new CopyOnWriteArrayList<>()).add(f);
        return f;
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer from Chromium within " + COMMAND.toSeconds() + " s: " + what
                    + "; its stderr: " + tail(stderr));
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + what, e);
        }
    }

    private void received(JsonObject message) {
        Integer id = message.getInteger("id");
        if (id != null) {
            CompletableFuture<JsonObject> f = pending.remove(id);
            if (f != null) {
                f.complete(message);
            }
            return;
        }
        String method = message.getString("method", "");
        JsonObject params = message.getJsonObject("params", new JsonObject());
        switch (method) {
            case "Runtime.consoleAPICalled" -> {
                String type = params.getString("type");
                if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
                    problems.add("console." + type + ": " + arguments(params.getJsonArray("args")));
                }
            }
            case "Runtime.exceptionThrown" -> {
                JsonObject d = params.getJsonObject("exceptionDetails", new JsonObject());
                problems.add("uncaught: "
                        + d.getJsonObject("exception", new JsonObject()).getString("description", d.getString("text")));
            }
            case "Log.entryAdded" -> {
                JsonObject e = params.getJsonObject("entry", new JsonObject());
                if (!"verbose".equals(e.getString("level")) && !"info".equals(e.getString("level"))) {
                    problems.add(e.getString("source") + " " + e.getString("level") + ": " + e.getString("text")
                            + (e.getString("url") == null ? "" : " (" + e.getString("url") + ")"));
                }
            }
            default -> {}
        }
        List<CompletableFuture<JsonObject>> waiting = awaited.remove(method);
        if (waiting != null) {
            waiting.forEach(f -> f.complete(params));
        }
    }

    private static String arguments(JsonArray args) {
        StringBuilder b = new StringBuilder();
        for (Object a : args == null ? new JsonArray() : args) {
            JsonObject arg = (JsonObject) a;
            Object v = arg.containsKey("value") ? arg.getValue("value") : arg.getString("description");
            b.append(b.length() == 0 ? "" : " ").append(v);
        }
        return b.toString();
    }

    /** Text frames may come in parts (a screenshot is megabytes): one message is whole at {@code last}. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String whole = text.toString();
                text.setLength(0);
                received(new JsonObject(whole));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            fail(new IllegalStateException("Chromium closed the DevTools socket: " + status + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            fail(error);
        }

        private void fail(Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
            awaited.values().forEach(list -> list.forEach(f -> f.completeExceptionally(error)));
        }
    }
}
