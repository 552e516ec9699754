package dev.agentstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.auth.Keys;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.Browser;
import dev.agentstore.support.Contract;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /docs in headless Chromium against a real server with a keys file: Swagger UI, served from the jar, lists every
 * operation of the OpenAPI document, and "try it out" on create workflow, authorized with a write key, creates one.
 */
@DisplayName("Docs in Chromium: Swagger UI lists every operation, and try it out creates a workflow (201)")
class DocsTest {
    static final String WRITER = Keys.generate();
    static final Path SHOTS = Path.of("target", "screenshots");
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static TestServer server;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, ApiKeys.entry("author", "read,write", WRITER) + "\n");
        server =
                TestServer.start(dir, new JsonObject().put("auth", new JsonObject().put("keys_file", keys.toString())));
        browser = Browser.launch();
        browser.open("http://localhost:" + server.started.port() + "/docs");
        browser.waitFor(
                "Swagger UI drew the document's operations", "document.querySelectorAll('.opblock').length > 0", WAIT);
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

    static JsonObject get(String uri) {
        HttpResponse<Buffer> r = TestServer.await(server.http
                .get(uri)
                .putHeader("Authorization", "Bearer " + WRITER)
                .send());
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return new JsonObject().put("body", r.bodyAsJson(Object.class));
    }

    static int workflows() {
        return ((JsonObject) get("/api/workflows?limit=1000").getValue("body"))
                .getJsonArray("workflows")
                .size();
    }

    @Test
    @DisplayName("the page lists every operation of /openapi.json, each under its tag, and nothing else")
    void listsEveryOperation() {
        List<Contract.Operation> operations = Contract.get(server.vertx).operations();
        for (Contract.Operation op : operations) {
            String tag = op.spec().getJsonArray("tags").getString(0);
            String id = "operations-" + tag + "-" + op.id();
            assertTrue(browser.visible("#" + id), op + " is listed (#" + id + ")");
        }
        assertEquals(
                operations.size(),
                ((Number) browser.evaluate("document.querySelectorAll('.opblock').length")).intValue());
        assertEquals(
                "agent-store",
                ((String) browser.evaluate("document.querySelector('.info .title').firstChild.textContent")).trim());
        browser.screenshot(SHOTS.resolve("docs.png"));
        assertEquals(List.of(), browser.problems(), "no console error, exception or CSP refusal");
    }

    @Test
    @DisplayName("authorized with a write key, try it out on create workflow sends the example and answers 201")
    void tryItOutCreatesAWorkflow() {
        int before = workflows();
        browser.click(".auth-wrapper .authorize");
        browser.waitFor("the authorize dialog", "document.querySelector('.auth-container input') !== null", WAIT);
        browser.type(".auth-container input", WRITER);
        browser.click(".auth-btn-wrapper .modal-btn.authorize");
        browser.waitFor("the key is taken", "document.querySelector('.auth-btn-wrapper .btn-done') !== null", WAIT);
        browser.click(".auth-btn-wrapper .btn-done");

        String op = "#operations-workflows-createWorkflow";
        browser.click(op + " .opblock-summary");
        browser.waitFor("the operation opens", "document.querySelector('" + op + " .try-out__btn') !== null", WAIT);
        browser.click(op + " .try-out__btn");
        browser.waitFor("the execute button", "document.querySelector('" + op + " .execute') !== null", WAIT);
        browser.click(op + " .execute");
        browser.waitFor(
                "the live answer",
                "document.querySelector('" + op + " .live-responses-table tbody .response-col_status') !== null",
                WAIT);
        browser.screenshot(SHOTS.resolve("docs-try-it-out.png"));
        String status = browser.text(op + " .live-responses-table tbody .response-col_status")
                .trim();
        assertTrue(status.startsWith("201"), "the answer's status: " + status);
        String body = browser.text(op + " .live-responses-table tbody .response-col_description pre");
        JsonObject created = new JsonObject(body);
        assertEquals("created", created.getString("status"), body);
        assertEquals(before + 1, workflows(), "one workflow more");
        JsonObject stored =
                (JsonObject) get("/api/workflows/" + created.getString("id")).getValue("body");
        assertEquals("research", stored.getString("workflow_name"), "the document's example was sent");
        assertEquals(new JsonObject().put("topic", "sqlite"), stored.getJsonObject("data"));
        assertEquals(List.of(), browser.problems(), "no console error, exception or CSP refusal");
    }
}
