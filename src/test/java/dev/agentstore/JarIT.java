package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The jars that mvn package builds: the runnable one, as users run it, and the library one")
class JarIT {
    static List<String> javaJar(String... args) {
        String jar = System.getProperty("agentstore.test.jar", "target/agent-store.jar");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                Path.of(jar).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    @DisplayName(
            "java -jar reads a YAML --config, takes env overrides, serves (the JDBC driver found through the merged services), and stops with 0")
    void jarLoadsYamlAndServes(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        Files.writeString(dir.resolve("custom.yaml"), """
        http:
          port: 1
          max_body_bytes: 2048
        database:
          workflow:
            path: yaml.db
        """);
        try (ServerProcess p = ServerProcess.start(
                javaJar("--config", "custom.yaml"), dir, Map.of("AGENTSTORE_HTTP_PORT", String.valueOf(port)))) {
            p.awaitLine("agent-store ready on http://127.0.0.1:" + port, 30_000);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> tooBig = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/workflows"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"workflow_name\":\"" + "x".repeat(4096) + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, tooBig.statusCode(), "max_body_bytes from the YAML file applies");
            HttpResponse<String> health = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health/db"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("yaml.db"), health.body());
            p.terminate();
            assertEquals(0, p.awaitExit(30_000), p.output());
        }
        assertTrue(Files.exists(dir.resolve("yaml.db")));
    }

    @Test
    @DisplayName(
            "java -jar on a fresh directory uses the embedded defaults (./data/workflow.db) and logs one line per record")
    void jarDefaultsToDataDirectory(@TempDir Path dir) throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess p =
                ServerProcess.start(javaJar(), dir, Map.of("AGENTSTORE_HTTP_PORT", String.valueOf(port)))) {
            String ready = p.awaitLine("agent-store ready on http://127.0.0.1:" + port, 30_000);
            assertTrue(
                    ready.matches(
                            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO dev\\.agentstore\\.Main - agent-store ready on .*"),
                    "Main installs the one-line log format: " + ready);
            p.terminate();
            assertEquals(0, p.awaitExit(30_000), p.output());
        }
        assertTrue(Files.exists(dir.resolve("data").resolve("workflow.db")));
    }

    @Test
    @DisplayName(
            "The main artifact is the plain library jar: agent-store's classes and migrations, no dependency's class inside")
    void libraryJarIsThin() throws Exception {
        Path library = Path.of(Objects.requireNonNull(
                System.getProperty("agentstore.test.library.jar"), "agentstore.test.library.jar (set by failsafe)"));
        try (JarFile jar = new JarFile(library.toFile())) {
            assertNotNull(jar.getEntry("dev/agentstore/Main.class"));
            assertNotNull(jar.getEntry("db/migration/index.txt"));
            List<String> foreign = jar.stream()
                    .map(JarEntry::getName)
                    .filter(name -> name.endsWith(".class") && !name.startsWith("dev/agentstore/"))
                    .toList();
            assertEquals(List.of(), foreign, "classes of other artifacts in " + library);
        }
    }
}
