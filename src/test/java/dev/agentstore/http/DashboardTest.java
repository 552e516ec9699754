package dev.agentstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.auth.Keys;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.Browser;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /dashboard in headless Chromium against a real server with a keys file: it takes an admin key only, and the
 * numbers it shows are the server's and move while a load runs. Screenshots go to target/screenshots/.
 */
@DisplayName("Dashboard in Chromium: takes an admin key only, draws the server's numbers, and they move under load")
class DashboardTest {
    static final String ADMIN = Keys.generate();
    static final String WRITER = Keys.generate();
    static final Path SHOTS = Path.of("target", "screenshots");
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    static TestServer server;
    static Browser browser;
    static String page;

    @BeforeAll
    static void start() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                ApiKeys.entry("ops", "admin", ADMIN) + "\n" + ApiKeys.entry("loader", "read,write", WRITER) + "\n");
        server =
                TestServer.start(dir, new JsonObject().put("auth", new JsonObject().put("keys_file", keys.toString())));
        page = "http://localhost:" + server.started.port() + "/dashboard";
        browser = Browser.launch();
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** The browser's problems since {@code from} (the browser is shared by the tests of this class). */
    static List<String> problemsSince(int from) {
        List<String> all = browser.problems();
        return all.subList(Math.min(from, all.size()), all.size());
    }

    static void login(String key) {
        browser.open(page);
        browser.evaluate("sessionStorage.clear(); 1");
        browser.open(page);
        browser.waitFor("the key form shows", "!document.getElementById('login').hidden", WAIT);
        browser.type("#key", key);
        browser.click("#connect");
    }

    static double number(String id) {
        String text = browser.text("#" + id).trim();
        return Double.parseDouble(text);
    }

    @Test
    @DisplayName("a key without admin and an unknown key are refused on the form, saying why, and not kept")
    void refusesOtherKeys() {
        int problems = browser.problems().size();
        login(WRITER);
        browser.waitFor(
                "the refusal of a key without admin",
                "document.getElementById('login-error').textContent.includes('admin')",
                WAIT);
        assertTrue(browser.text("#login-error").startsWith("This key is not enough"), browser.text("#login-error"));
        assertFalse(browser.visible("#board"), "no board for a refused key");
        assertTrue(browser.visible("#login"));
        assertEquals(
                0, ((Number) browser.evaluate("sessionStorage.length")).intValue(), "the refused key is forgotten");
        browser.screenshot(SHOTS.resolve("dashboard-refused.png"));

        login(Keys.generate());
        browser.waitFor(
                "the refusal of an unknown key",
                "document.getElementById('login-error').textContent.startsWith('The server does not take this key')",
                WAIT);
        // the browser reports the refused fetches themselves, and nothing else
        assertEquals(
                List.of(),
                problemsSince(problems).stream()
                        .filter(p -> !p.matches(".*status of 40[13] .*/api/stats\\)"))
                        .toList());
    }

    @Test
    @DisplayName(
            "with the admin key it shows requests, latency, pool, writer and file columns, and they move under load")
    void numbersMoveUnderLoad() throws Exception {
        int problems = browser.problems().size();
        login(ADMIN);
        browser.waitFor(
                "the board with numbers",
                "!document.getElementById('board').hidden"
                        + " && document.getElementById('requests-total').textContent !== '-'"
                        + " && document.getElementById('db-workflow-main') !== null",
                WAIT);
        assertFalse(browser.visible("#login"), "the key form is gone once the board shows");
        double requests = number("requests-total");
        String size = browser.text("#db-workflow-main");
        assertTrue(size.matches("[0-9.]+ (B|KiB|MiB)"), "the database's size is shown: " + size);
        browser.screenshot(SHOTS.resolve("dashboard-idle.png"));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong created = new AtomicLong();
        Thread load = new Thread(
                () -> {
                    while (running.get()) {
                        List<Future<?>> batch = new ArrayList<>();
                        for (int i = 0; i < 16; i++) {
                            batch.add(server.http
                                    .post("/api/workflows")
                                    .putHeader("Authorization", "Bearer " + WRITER)
                                    .sendJsonObject(new JsonObject().put("workflow_name", "load"))
                                    .onSuccess(r -> {
                                        if (r.statusCode() == 201) {
                                            created.incrementAndGet();
                                        }
                                    }));
                        }
                        TestServer.await(Future.join(batch));
                    }
                },
                "dashboard-load");
        load.start();
        try {
            browser.waitFor(
                    "requests per second, writes per second and the create's row while the load runs",
                    "Number(document.getElementById('rps').textContent) > 10"
                            + " && Number(document.getElementById('db-workflow-writes').textContent) > 10"
                            + " && Number(document.getElementById('requests-total').textContent) >= " + (requests + 200)
                            + " && document.getElementById('operations').textContent.includes('POST /api/workflows')",
                    WAIT);
            browser.screenshot(SHOTS.resolve("dashboard-load.png"));
        } finally {
            running.set(false);
            load.join();
        }
        assertTrue(created.get() >= 200, "the load created " + created.get());
        assertTrue(number("requests-total") > requests, "the total grew");
        String latency = browser.text("#latency");
        assertTrue(latency.matches("[0-9.]+ / [0-9.]+"), "p50 / p99 shown: " + latency);
        assertEquals(List.of(), problemsSince(problems), "no console error, exception or CSP refusal");
    }
}
