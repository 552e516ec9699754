package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package rules of docs/architecture.md, read from the sources: a scan of every name a file uses
 * (imports, static imports, wildcards and fully-qualified names in code), comments and strings left out.
 * A scan rather than ArchUnit: it needs no dependency, and the rules are about names in source files.
 */
@DisplayName("The packages keep to their rules: http, store, bus and auth use nothing of what they must not")
class PackageRulesTest {
    static final Path SOURCES = Path.of("src/main/java/dev/agentstore");

    record Rule(String pkg, List<String> forbidden) {
        @Override
        public String toString() {
            return pkg + " uses nothing of " + String.join(", ", forbidden);
        }
    }

    static Stream<Rule> rules() {
        return Stream.of(
                new Rule("http", List.of("dev.agentstore.store", "java.sql")),
                new Rule("store", List.of("dev.agentstore.http", "io.vertx.ext.web", "io.vertx.core.http")),
                new Rule("bus", List.of("dev.agentstore.store", "dev.agentstore.http", "dev.agentstore.config")),
                // The keys, their file and the command: no HTTP (the gate is http's), no store, no bus.
                new Rule(
                        "auth",
                        List.of(
                                "dev.agentstore.http",
                                "dev.agentstore.store",
                                "dev.agentstore.bus",
                                "io.vertx.ext.web",
                                "io.vertx.core.http",
                                "java.sql")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    @DisplayName("no source file of the package names a forbidden package, in its imports or in its code")
    void packageKeepsItsRule(Rule rule) throws IOException {
        Path dir = SOURCES.resolve(rule.pkg());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertFalse(files.isEmpty(), "no sources under " + dir + ": the rule would check nothing");
        List<String> violations = new ArrayList<>();
        for (Path file : files) {
            violations.addAll(violations(file.toString(), read(file), rule.forbidden()));
        }
        assertEquals(List.of(), violations);
    }

    @Test
    @DisplayName("the scan finds an import, a static import, a wildcard and an inline name, and skips comments and"
            + " strings")
    void scanFindsEveryFormOfUse() {
        String source = """
                package dev.agentstore.http;

                import java.sql.Connection;
                import static java.sql.Types.VARCHAR;
                import java.sql.*;
                // java.sql.Driver in a comment is fine
                /* and java.sql.Statement here, ** too */
                /** Javadoc may say {@link java.sql.ResultSet}. */
                class X {
                    String s = "java.sql.Blob in a string is fine, \\" java.sql.Clob too";
                    String t = \"""
                        java.sql.Array in a text block
                        \""";
                    char c = '"';
                    Object o = java.sql.Date.valueOf("2025-01-01");
                    Object p = javax.sqlx.Y; // another package whose name starts alike
                }
                """;
        assertEquals(
                List.of(
                        "X.java:3 uses java.sql",
                        "X.java:4 uses java.sql",
                        "X.java:5 uses java.sql",
                        "X.java:15 uses java.sql"),
                violations("X.java", source, List.of("java.sql")));
        assertTrue(violations("Y.java", "import java.sqlite.Z;\nimport java.sqlx.W;", List.of("java.sql"))
                .isEmpty());
    }

    /** One line per use of a forbidden package: {@code File.java:12 uses java.sql}. */
    static List<String> violations(String file, String source, List<String> forbidden) {
        String code = withoutCommentsAndStrings(source);
        List<String> found = new ArrayList<>();
        for (String pkg : forbidden) {
            Matcher m = Pattern.compile("(?<![\\w.])" + Pattern.quote(pkg) + "(?=\\s*[.;])")
                    .matcher(code);
            while (m.find()) {
                int line = 1
                        + (int) code.substring(0, m.start())
                                .chars()
                                .filter(ch -> ch == '\n')
                                .count();
                found.add(file + ":" + line + " uses " + pkg);
            }
        }
        return found;
    }

    /** The source with comments, strings, text blocks and char literals blanked out, line breaks kept. */
    static String withoutCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int end;
            if (s.startsWith("//", i)) {
                end = s.indexOf('\n', i);
                end = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
            } else if (s.startsWith("\"\"\"", i)) {
                end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end + 3;
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                end = closingQuote(s, i);
            } else {
                out.append(s.charAt(i++));
                continue;
            }
            for (; i < end; i++) {
                out.append(s.charAt(i) == '\n' ? '\n' : ' ');
            }
        }
        return out.toString();
    }

    private static int closingQuote(String s, int start) {
        char quote = s.charAt(start);
        for (int i = start + 1; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == quote || s.charAt(i) == '\n') {
                return i + 1;
            }
        }
        return s.length();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
