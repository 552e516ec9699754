package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("migrate's arguments and configuration: a usage or configuration problem is exit 2 with one clear line")
class CommandLineTest {
    /** Runs {@code migrate args}; returns the exit code and what it printed on stderr. */
    static String[] migrate(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MigrateCommand.run(
                args,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(code), err.toString(StandardCharsets.UTF_8)};
    }

    @ParameterizedTest(name = "migrate {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "status --config | --config needs a path",
                "status --config --dry-run | --config needs a path",
                "up --to | --to needs a version number",
                "up --to abc | --to needs a version number, got 'abc'",
                "status --database | --database needs a database name"
            })
    @DisplayName("a flag without its value says what it needs")
    void flagWithoutValue(String args, String message) {
        String[] r = migrate(args.split(" "));
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].startsWith("agent-store migrate: " + message + "\n"), r[1]);
    }

    @Test
    @DisplayName("a malformed --config file is exit 2 with the line and column, through the same load as the server")
    void malformedConfig(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "database:\n  workflow:\n    path: [a\n");
        String[] r = migrate("status", "--config", file.toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].startsWith("agent-store migrate: bad configuration: config file " + file), r[1]);
        assertTrue(r[1].contains("line 4, column 1"), r[1]);
    }

    @Test
    @DisplayName("migrate does not check http.host: it may run on another machine than the server")
    void migrateIgnoresTheListenAddress(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(
                file, "http:\n  host: 203.0.113.7\ndatabase:\n  workflow:\n    path: " + dir.resolve("w.db") + "\n");
        String[] r = migrate("status", "--config", file.toString());
        assertEquals("0", r[0], r[1]);
    }
}
