package dev.agentstore.http;

import static dev.agentstore.support.Http.json;
import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.auth.Keys;
import dev.agentstore.auth.KeysCommand;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.Contract;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.LogRecords;
import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys file edited while the server runs, the three ways it is replaced in practice (an edit in place, an
 * atomic rename over it, a swapped symlink as Kubernetes does with secrets), deleted, given a bad line; and the
 * rate limits of its keys. Each test has a server of its own; the waits are for the watcher's next read (it reads
 * every second), with {@link Eventually}.
 */
@DisplayName("The keys file is re-read while the server runs; rate limits per key")
class KeysReloadTest {
    static final Duration RELOAD = Duration.ofSeconds(10);
    static final String A = Keys.generate();
    static final String B = Keys.generate();
    static final String C = Keys.generate();

    static TestServer start(Path dir, Path keys, int port) {
        return TestServer.start(
                dir,
                new JsonObject()
                        .put("http", new JsonObject().put("port", port))
                        .put("auth", new JsonObject().put("keys_file", keys.toString())));
    }

    static int status(TestServer server, String key) {
        return ApiKeys.send(server, HttpMethod.GET, "/api/workflows", null, key).statusCode();
    }

    static void eventually(String what, IntSupplier status, int expected) {
        Eventually.await(what, RELOAD, () -> status.getAsInt() == expected);
    }

    @Test
    @DisplayName("a key removed by an atomic rename gets 401 within seconds on every route and every HTTP verticle,"
            + " changing nothing; added back by an edit in place, it works again; a new key works once its line is"
            + " added")
    void revokedKeyStopsWorkingAndAddedKeyStarts(@TempDir Path dir) throws IOException {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys, ApiKeys.entry("a", "read,write,admin", A) + "\n" + ApiKeys.entry("b", "read", B) + "\n");
        // A fixed port: one HTTP verticle per core, as in production, all on the one registry.
        try (TestServer server = start(dir, keys, ServerProcess.freePort())) {
            WebClient fresh = Contract.validate(
                    WebClient.create(
                            server.vertx,
                            new WebClientOptions()
                                    .setDefaultHost("127.0.0.1")
                                    .setDefaultPort(server.started.port())
                                    .setKeepAlive(false)),
                    server.vertx);
            assertEquals(200, status(server, A));
            assertEquals(401, status(server, C));

            ApiKeys.replace(keys, ApiKeys.entry("b", "read", B));
            eventually("the removed key is refused", () -> status(server, A), 401);
            for (int i = 0; i < 8; i++) { // new connections: spread over the event loops
                HttpResponse<Buffer> r = TestServer.await(fresh.get("/api/workflows")
                        .putHeader("Authorization", "Bearer " + A)
                        .send());
                assertEquals(401, r.statusCode());
                assertEquals("Bearer realm=\"agent-store\", error=\"invalid_token\"", r.getHeader("WWW-Authenticate"));
            }
            assertEquals(200, status(server, B), "the key that stayed works throughout");
            long rows = SqliteFiles.count(server.workflowDb(), "workflow_states")
                    + SqliteFiles.count(server.workflowDb(), "articles")
                    + SqliteFiles.count(server.workflowDb(), "alerts")
                    + SqliteFiles.count(server.workflowDb(), "agent_versions");
            for (AuthRoutesTest.Route r : AuthRoutesTest.routes().toList()) {
                HttpResponse<Buffer> refused = ApiKeys.send(
                        server, r.call().method(), r.call().uri(), r.call().body(), A);
                assertEquals(401, refused.statusCode(), r + ": " + refused.bodyAsString());
            }
            assertEquals(
                    rows,
                    SqliteFiles.count(server.workflowDb(), "workflow_states")
                            + SqliteFiles.count(server.workflowDb(), "articles")
                            + SqliteFiles.count(server.workflowDb(), "alerts")
                            + SqliteFiles.count(server.workflowDb(), "agent_versions"),
                    "the revoked key wrote nothing");

            Files.writeString(
                    keys,
                    String.join(
                            "\n",
                            ApiKeys.entry("b", "read", B),
                            ApiKeys.entry("a", "read", A),
                            ApiKeys.entry("c", "read", C)));
            eventually("the key added back works", () -> status(server, A), 200);
            assertEquals(200, status(server, C), "a new key works");
            fresh.close();
        }
    }

    @Test
    @DisplayName("a keys file that is a symlink swapped to another file (a Kubernetes secret's update) is re-read")
    void symlinkSwapIsSeen(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("v1"));
        Files.createDirectories(dir.resolve("v2"));
        Files.writeString(dir.resolve("v1/keys"), ApiKeys.entry("a", "read", A) + "\n");
        Files.writeString(dir.resolve("v2/keys"), ApiKeys.entry("c", "read", C) + "\n");
        Path keys = dir.resolve("keys");
        Files.createSymbolicLink(keys, dir.resolve("v1/keys"));
        try (TestServer server = start(dir, keys, 0)) {
            assertEquals(200, status(server, A));
            Path link = dir.resolve("keys.new");
            Files.createSymbolicLink(link, dir.resolve("v2/keys"));
            Files.move(link, keys, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            eventually("the key of the new target works", () -> status(server, C), 200);
            assertEquals(401, status(server, A), "the old target's key is gone");
        }
    }

    @Test
    @DisplayName("a bad line in a reload is skipped with one warning naming the file and the line, never the hash;"
            + " the good lines are used")
    void badLineOnReloadIsSkipped(@TempDir Path dir) throws IOException {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, ApiKeys.entry("a", "read", A) + "\n");
        try (TestServer server = start(dir, keys, 0);
                LogRecords logs = LogRecords.capture()) {
            String badHash = ApiKeys.hash(B).substring(1); // 63 digits
            ApiKeys.replace(keys, ApiKeys.entry("a", "read", A), "b read " + badHash, ApiKeys.entry("c", "read", C));
            eventually("the good line after the bad one is used", () -> status(server, C), 200);
            assertEquals(200, status(server, A));
            assertEquals(401, status(server, B));
            List<String> warnings =
                    logs.lines().stream().filter(l -> l.contains("line 2")).toList();
            assertEquals(1, warnings.size(), String.join("\n", logs.lines()));
            assertTrue(warnings.get(0).contains(keys.toString()), warnings.get(0));
            assertTrue(warnings.get(0).contains("the hash (field 3) must be 64 hex digits"), warnings.get(0));
            assertFalse(warnings.get(0).contains(badHash), "the hash is not in the log");
        }
    }

    @Test
    @DisplayName("a keys file that disappears makes no key valid (fail closed), with one warning, until it is back")
    void missingFileFailsClosed(@TempDir Path dir) throws IOException {
        Path keys = dir.resolve("keys");
        String content = ApiKeys.entry("a", "read", A) + "\n";
        Files.writeString(keys, content);
        try (TestServer server = start(dir, keys, 0);
                LogRecords logs = LogRecords.capture(Level.INFO)) {
            Files.delete(keys);
            eventually("no key is valid", () -> status(server, A), 401);
            assertEquals(200, server.get("/api/health/live").statusCode(), "the probes stay open");
            Files.writeString(keys, content);
            eventually("the key is valid again", () -> status(server, A), 200);
            long warned = logs.lines().stream()
                    .filter(l -> l.startsWith("WARNING") && l.contains("cannot be read"))
                    .count();
            assertEquals(1, warned, String.join("\n", logs.lines()));
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("can be read again: 1 key valid")));
        }
    }

    @Test
    @DisplayName("a key past its burst gets 429 with Retry-After from its bucket and writes nothing; other keys are"
            + " served; it is served again once its bucket refills")
    void rateLimitedKeyGets429ThenIsServedAgain(@TempDir Path dir) throws IOException {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                ApiKeys.entry("limited", "read,write", A, "rps=0.5", "burst=3") + "\n"
                        + ApiKeys.entry("free", "read", B) + "\n");
        try (TestServer server = start(dir, keys, 0)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, status(server, A), "request " + (i + 1) + " of the burst");
            }
            long before = SqliteFiles.count(server.workflowDb(), "workflow_states");
            HttpResponse<Buffer> refused =
                    ApiKeys.send(server, HttpMethod.POST, "/api/workflows", "{\"workflow_name\":\"over\"}", A);
            String detail = problem(429, refused);
            int retryAfter = Integer.parseInt(refused.getHeader("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 2, "one token in 2 s: " + retryAfter);
            assertEquals(
                    "the API key's rate limit (0.5 requests a second, a burst of 3) is spent; retry in " + retryAfter
                            + " s",
                    detail);
            assertEquals(before, SqliteFiles.count(server.workflowDb(), "workflow_states"), "nothing written");
            assertEquals(200, status(server, B), "another key has a bucket of its own");
            assertEquals(200, server.get("/api/health/live").statusCode());

            eventually("served again once a token is back", () -> status(server, A), 200);
            assertEquals(429, status(server, A), "one token came back, and it is spent");
        }
    }

    @Test
    @DisplayName("a reload keeps the bucket of a key whose line did not change, and gives a changed line a new one")
    void reloadKeepsTheBucketOfAnUnchangedLine(@TempDir Path dir) throws IOException {
        Path keys = dir.resolve("keys");
        String slow = ApiKeys.entry("slow", "read", A, "rps=0.01"); // one request per 100 s, burst 1
        Files.writeString(keys, slow + "\n");
        try (TestServer server = start(dir, keys, 0)) {
            assertEquals(200, status(server, A));
            assertEquals(429, status(server, A));
            // the same key, spelt with other blanks and a comment; and a new key to see the reload by
            ApiKeys.replace(keys, slow.replace(" ", "\t") + "   # unchanged", ApiKeys.entry("new", "read", B));
            eventually("the reload is done", () -> status(server, B), 200);
            assertEquals(429, status(server, A), "the bucket was kept: not refilled by the reload");

            ApiKeys.replace(keys, slow + " burst=2", ApiKeys.entry("new", "read", B));
            eventually("a changed line gets a new, full bucket", () -> status(server, A), 200);
        }
    }

    @Test
    @DisplayName("the entry that 'keys new' prints, added to the file of a running server, makes its key work with"
            + " the scopes it was given")
    void keysNewEntryIsAccepted(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = KeysCommand.run(
                new String[] {"new", "--name", "ci-bot", "--scopes", "write,read"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        String key = lines.get(0).substring("key: ".length());
        String entry = lines.get(1).substring("entry: ".length());
        assertEquals("ci-bot read,write " + ApiKeys.hash(key), entry);

        Path keys = dir.resolve("keys");
        Files.writeString(keys, "# no keys yet\n");
        try (TestServer server = start(dir, keys, 0)) {
            assertEquals(401, status(server, key));
            Files.writeString(keys, "# no keys yet\n" + entry + "\n");
            eventually("the new key reads", () -> status(server, key), 200);
            json(201, ApiKeys.send(server, HttpMethod.POST, "/api/workflows", "{\"workflow_name\":\"k\"}", key));
            assertEquals(
                    new JsonObject().put("status", "healthy"),
                    json(200, ApiKeys.send(server, HttpMethod.GET, "/api/health/db", null, key)),
                    "without admin, the status only");
        }
    }
}
