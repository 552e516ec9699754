package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.config.ConfigException;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.ServerProcess;
import dev.agentstore.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safe defaults of the start, in a process of its own: who may call the API, or why the start is refused. */
@DisplayName("The start and API keys: open only on loopback, refused elsewhere without keys, a bad keys file refused")
class AuthStartTest {
    static final long START_MS = 30_000;

    static Map<String, String> env(Path dir, int port, String... more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "AGENTSTORE_HTTP_PORT", String.valueOf(port),
                "AGENTSTORE_DATABASE_WORKFLOW_PATH", dir.resolve("w.db").toString()));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    /** The server's main class in a JVM of its own, on {@code port}, with the database in {@code dir}. */
    static ServerProcess server(Path dir, int port, String... env) throws java.io.IOException {
        return ServerProcess.start(ServerProcess.javaMain(), dir, env(dir, port, env));
    }

    static HttpResponse<String> post(int port, String key) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/workflows"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"workflow_name\":\"proc\"}"));
        if (key != null) {
            req.header("Authorization", "Bearer " + key);
        }
        return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("no keys file on 0.0.0.0: exit 2 with a message that says how to create a key, before the database"
            + " is opened")
    void openOnAnyAddressIsRefused(@TempDir Path dir) throws Exception {
        try (ServerProcess p = server(dir, ServerProcess.freePort(), "AGENTSTORE_HTTP_HOST", "0.0.0.0")) {
            assertEquals(2, p.awaitExit(START_MS), p.output());
            String out = p.output();
            assertTrue(
                    out.contains("agent-store: bad configuration: http.host 0.0.0.0 is not a loopback address and no"
                            + " auth.keys_file is set"),
                    out);
            assertTrue(out.contains("java -jar agent-store.jar keys new --name NAME --scopes read,write"), out);
            assertTrue(out.contains("AGENTSTORE_AUTH_KEYS_FILE"), out);
            assertTrue(out.contains("auth.allow_anonymous: true"), out);
        }
        assertTrue(Files.notExists(dir.resolve("w.db")), "refused before the store opened its file");
    }

    @Test
    @DisplayName("no keys file on 0.0.0.0 with auth.allow_anonymous: serves, after one warning line")
    void allowAnonymousStartsWithAWarning(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess p =
                server(dir, port, "AGENTSTORE_HTTP_HOST", "0.0.0.0", "AGENTSTORE_AUTH_ALLOW_ANONYMOUS", "true")) {
            p.awaitLine("agent-store ready on", START_MS);
            assertEquals(201, post(port, null).statusCode());
            assertEquals(1, p.linesContaining("WARNING"), p.output());
            assertEquals(1, p.linesContaining("auth.allow_anonymous is true: the API on 0.0.0.0 is open"), p.output());
            p.terminate();
            assertEquals(0, p.awaitExit(START_MS), p.output());
        }
    }

    @Test
    @DisplayName("no keys file on 127.0.0.1: serves everyone, after one warning line that says how to add keys")
    void loopbackStartsOpenWithAWarning(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess p = server(dir, port)) {
            p.awaitLine("agent-store ready on", START_MS);
            assertEquals(201, post(port, null).statusCode());
            assertEquals(1, p.linesContaining("WARNING"), p.output());
            String warning = p.output()
                    .lines()
                    .filter(l -> l.contains("WARNING"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    warning.contains("no auth.keys_file: the API is open to every process on this machine (http.host"
                            + " 127.0.0.1 is a loopback address); to require keys, create a key with 'java -jar"
                            + " agent-store.jar keys new"),
                    warning);
            p.terminate();
            assertEquals(0, p.awaitExit(START_MS), p.output());
        }
    }

    @Test
    @DisplayName("a keys file with a bad line: exit 2 naming the file, the line and why, never its hash; a missing"
            + " one: exit 2")
    void badKeysFileIsRefused(@TempDir Path dir) throws Exception {
        String hash = ApiKeys.hash("ask_x").substring(1);
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "# ops\n" + ApiKeys.entry("ok", "read", "ask_y") + "\nbad read " + hash + "\n");
        try (ServerProcess p = server(dir, ServerProcess.freePort(), "AGENTSTORE_AUTH_KEYS_FILE", keys.toString())) {
            assertEquals(2, p.awaitExit(START_MS), p.output());
            assertTrue(
                    p.output()
                            .contains("agent-store: bad configuration: auth.keys_file " + keys + " has a bad line: line"
                                    + " 3: the hash (field 3) must be 64 hex digits"),
                    p.output());
            assertFalse(p.output().contains(hash), "the hash is not printed");
        }
        assertTrue(Files.notExists(dir.resolve("w.db")));
        Path missing = dir.resolve("no-such-keys");
        try (ServerProcess p = server(dir, ServerProcess.freePort(), "AGENTSTORE_AUTH_KEYS_FILE", missing.toString())) {
            assertEquals(2, p.awaitExit(START_MS), p.output());
            assertTrue(
                    p.output().contains("auth.keys_file " + missing + " cannot be read (NoSuchFileException"),
                    p.output());
        }
    }

    @Test
    @DisplayName("'keys new' prints a key and its entry; a server on 0.0.0.0 given that entry serves the key, and"
            + " refuses a caller without it")
    void keysNewThenServeOnAnyAddress(@TempDir Path dir) throws Exception {
        String key;
        String entry;
        try (ServerProcess p = ServerProcess.start(
                ServerProcess.javaMain("keys", "new", "--name", "agent-runner", "--scopes", "read,write"),
                dir,
                Map.of())) {
            assertEquals(0, p.awaitExit(START_MS), p.output());
            List<String> lines = p.output().lines().toList();
            key = lines.stream()
                    .filter(l -> l.startsWith("key: "))
                    .findFirst()
                    .orElseThrow()
                    .substring(5);
            entry = lines.stream()
                    .filter(l -> l.startsWith("entry: "))
                    .findFirst()
                    .orElseThrow()
                    .substring(7);
            assertTrue(key.matches("ask_[A-Za-z0-9_-]{43}"), key);
            assertEquals("agent-runner read,write " + ApiKeys.hash(key), entry);
            assertEquals(1, p.linesContaining(key), "the key is printed once");
        }
        Path keys = dir.resolve("keys");
        Files.writeString(keys, entry + "\n");
        int port = ServerProcess.freePort();
        try (ServerProcess p =
                server(dir, port, "AGENTSTORE_HTTP_HOST", "0.0.0.0", "AGENTSTORE_AUTH_KEYS_FILE", keys.toString())) {
            p.awaitLine("agent-store ready on", START_MS);
            assertEquals(401, post(port, null).statusCode());
            assertEquals(201, post(port, key).statusCode());
            assertEquals(0, p.linesContaining("WARNING"), p.output());
            p.terminate();
            assertEquals(0, p.awaitExit(START_MS), p.output());
            assertFalse(p.output().contains(key), "the key is never logged");
        }
    }

    @Test
    @DisplayName("'keys new' with bad arguments exits 2 with the usage")
    void keysNewBadArguments(@TempDir Path dir) throws Exception {
        for (List<String> args : List.of(
                List.of("keys"),
                List.of("keys", "old"),
                List.of("keys", "new", "--name", "x"),
                List.of("keys", "new", "--name", "x y", "--scopes", "read"),
                List.of("keys", "new", "--name", "x", "--scopes", "root"),
                List.of("keys", "new", "--name", "x", "--scopes", "read", "--burst", "3"),
                List.of("keys", "new", "--name", "x", "--scopes", "read", "--rps", "fast"),
                List.of("keys", "new", "--name", "x", "--scopes"),
                List.of("keys", "new", "--name", "x", "--name", "y", "--scopes", "read"))) {
            try (ServerProcess p =
                    ServerProcess.start(ServerProcess.javaMain(args.toArray(String[]::new)), dir, Map.of())) {
                assertEquals(2, p.awaitExit(START_MS), args + ": " + p.output());
                assertTrue(p.output().contains("usage: java -jar agent-store.jar keys new --name NAME"), p.output());
                assertEquals(0, p.linesContaining("key: "), p.output());
            }
        }
    }

    @Test
    @DisplayName("an application that embeds the server gets a failed deploy, not an open API, on 0.0.0.0 without keys")
    void embeddedDeployIsRefused(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> TestServer.start(dir, "http: {host: 0.0.0.0}"));
        assertTrue(e.getMessage().contains("no auth.keys_file is set"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("workflow.db")), "the store did not open its file");
    }
}
