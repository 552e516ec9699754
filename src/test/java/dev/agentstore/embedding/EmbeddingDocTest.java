package dev.agentstore.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * docs/embedding.md shows code that compiles and runs: each of its Java blocks is a marked snippet of
 * EmbeddingExampleTest ({@code // --8<-- name} up to {@code // --8<--}), and each snippet is on the page.
 */
@DisplayName("docs/embedding.md shows the example test's code, and the coordinates of the pom")
class EmbeddingDocTest {
    private static final Path DOC = Path.of("docs", "embedding.md");
    private static final Path EXAMPLE = Path.of("src/test/java/dev/agentstore/embedding/EmbeddingExampleTest.java");
    private static final Pattern SNIPPET =
            Pattern.compile("^[ \\t]*// --8<-- (\\S+)\\R(.*?)^[ \\t]*// --8<--\\R", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern BLOCK = Pattern.compile("^```(\\w*)\\R(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);

    @Test
    @DisplayName("Every Java block of the page is a snippet of the example test, and every snippet is on the page")
    void javaBlocksAreTheExample() throws IOException {
        Map<String, String> snippets = new LinkedHashMap<>();
        Matcher m = SNIPPET.matcher(Files.readString(EXAMPLE));
        while (m.find()) {
            snippets.put(m.group(1), m.group(2).stripTrailing().stripIndent().strip());
        }
        assertTrue(snippets.size() >= 4, "snippets found in " + EXAMPLE + ": " + snippets.keySet());
        List<String> blocks = blocks("java");
        for (String block : blocks) {
            assertTrue(
                    snippets.containsValue(block),
                    "a Java block of " + DOC + " is not a snippet of " + EXAMPLE + " (copy it from there):\n" + block);
        }
        snippets.forEach((name, code) ->
                assertTrue(blocks.contains(code), "snippet '" + name + "' of " + EXAMPLE + " is not in " + DOC));
        assertTrue(Files.readString(DOC).contains(EXAMPLE.toString()), DOC + " names " + EXAMPLE);
    }

    @Test
    @DisplayName("The dependency block names the pom's groupId, artifactId and version")
    void coordinatesAreThePom() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        // The project's own coordinates come first in the pom, right after <modelVersion>.
        String own = pom.substring(pom.indexOf("</modelVersion>"), pom.indexOf("<properties>"));
        List<String> xml = blocks("xml");
        assertFalse(xml.isEmpty(), DOC + " has a dependency block");
        for (String tag : List.of("groupId", "artifactId", "version")) {
            assertEquals(element(own, tag), element(xml.get(0), tag), tag + " in " + DOC + " and pom.xml");
        }
    }

    private static List<String> blocks(String language) throws IOException {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(DOC));
        while (m.find()) {
            if (m.group(1).equals(language)) {
                blocks.add(m.group(2).stripTrailing().stripIndent().strip());
            }
        }
        return blocks;
    }

    private static String element(String xml, String tag) {
        Matcher m = Pattern.compile("<" + tag + ">([^<]*)</" + tag + ">").matcher(xml);
        return m.find() ? m.group(1).strip() : null;
    }
}
