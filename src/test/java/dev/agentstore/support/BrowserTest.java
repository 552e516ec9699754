package dev.agentstore.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test browser itself, on pages of its own (data: URLs): what the page tests rely on does what it says. */
@DisplayName("Browser: headless Chromium over CDP opens, evaluates, types, clicks, waits, screenshots, and reports")
class BrowserTest {
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static Browser browser;

    @BeforeAll
    static void launch() {
        browser = Browser.launch();
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
    }

    static String page(String html) {
        return "data:text/html;charset=utf-8,"
                + URLEncoder.encode(html, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    @DisplayName("evaluate gives JSON values back, awaits a promise, and fails with the page's exception")
    void evaluates() {
        browser.open(page("<p id=p>hello</p>"));
        assertEquals("hello", browser.text("#p"));
        assertEquals(3, ((Number) browser.evaluate("1 + 2")).intValue());
        assertEquals(new JsonObject().put("a", 1), browser.evaluate("({a: 1})"));
        assertEquals("later", browser.evaluate("new Promise(r => setTimeout(() => r('later'), 10))"));
        AssertionError e = assertThrows(AssertionError.class, () -> browser.evaluate("null.x"));
        assertTrue(e.getMessage().contains("TypeError"), e.getMessage());
        assertThrows(AssertionError.class, () -> browser.text("#nothing"));
    }

    @Test
    @DisplayName("typed text reaches the input, a click runs the page's handler, waitFor sees what it changed")
    void typesClicksAndWaits() {
        browser.open(page("<input id=name><button id=go>go</button><p id=out></p><script>"
                + "document.getElementById('go').addEventListener('click', () => setTimeout(() =>"
                + " document.getElementById('out').textContent = 'hi ' + document.getElementById('name').value, 200));"
                + "</script>"));
        browser.type("#name", "ops");
        browser.click("#go");
        browser.waitFor(
                "the handler wrote", "document.getElementById('out').textContent === 'hi ops'", Duration.ofSeconds(5));
        assertTrue(browser.visible("#out"));
        assertFalse(browser.visible("#nothing"));
        AssertionError e =
                assertThrows(AssertionError.class, () -> browser.waitFor("never", "false", Duration.ofMillis(200)));
        assertTrue(e.getMessage().startsWith("not within 200 ms: never"), e.getMessage());
    }

    @Test
    @DisplayName("a screenshot is a PNG file of the page")
    void screenshots(@TempDir Path dir) throws Exception {
        browser.open(page("<h1>shot</h1>"));
        Path file = browser.screenshot(dir.resolve("a/b/shot.png"));
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 1000, "a real image: " + bytes.length + " bytes");
        assertArrayEquals(PNG, Arrays.copyOf(bytes, PNG.length));
    }

    @Test
    @DisplayName("a console error, an uncaught exception and a script the page's CSP refuses are problems")
    void reportsProblems() {
        int before = browser.problems().size();
        browser.open(page("<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">"
                + "<p id=p>x</p><script>document.title = 'ran'</script>"));
        browser.evaluate("console.error('boom'); setTimeout(() => { throw new Error('thrown') }, 0); 1");
        Eventually.await(
                "the problems arrive",
                Duration.ofSeconds(5),
                () -> browser.problems().size() >= before + 3);
        String all = String.join("\n", browser.problems());
        assertTrue(all.contains("console.error: boom"), all);
        assertTrue(all.contains("thrown"), all);
        assertTrue(all.contains("Content Security Policy"), all);
        assertEquals("", browser.evaluate("document.title"), "the refused script did not run");
    }
}
