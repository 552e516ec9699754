package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The launches we ship start the server with the heap the budget is derived from and with
 * -XX:+ExitOnOutOfMemoryError: without it a JVM out of heap lived on with dead threads, answering nothing and
 * ignoring SIGTERM, and no supervisor restarted it.
 */
@DisplayName("Every shipped launch of the server exits on OutOfMemoryError")
class ShippedLaunchTest {
    @ParameterizedTest(name = "{0}: the line with ''{1}''")
    @CsvSource({
        "Dockerfile, ENTRYPOINT",
        "README.md, # serves http://127.0.0.1:8080",
        "bench/run.sh, -jar target/agent-store.jar >",
    })
    @DisplayName("the server's java command carries -Xmx256m and -XX:+ExitOnOutOfMemoryError")
    void launchExitsOnOutOfMemory(String file, String marker) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(file)).stream()
                .filter(l -> l.contains(marker))
                .toList();
        assertEquals(1, lines.size(), file + ": the server's launch, found by '" + marker + "': " + lines);
        assertTrue(lines.get(0).contains("-Xmx256m"), lines.get(0));
        assertTrue(lines.get(0).contains("-XX:+ExitOnOutOfMemoryError"), lines.get(0));
    }
}
