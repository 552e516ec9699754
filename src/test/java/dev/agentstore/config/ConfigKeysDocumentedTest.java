package dev.agentstore.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The key table is the one list: conf/config.yaml and docs/configuration.md follow it")
class ConfigKeysDocumentedTest {
    @Test
    @DisplayName("conf/config.yaml sets exactly the table's keys (agent_versions left commented out) to their defaults")
    void shippedFileStatesEveryKeyWithItsDefault() {
        YamlFile.Content content = YamlFile.read(Path.of("conf/config.yaml"), true);
        Map<String, Object> written = new LinkedHashMap<>();
        flatten("", content.root(), written);
        Map<String, Object> expected = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            String db = key.section == ConfigKey.Section.DATABASE ? "workflow" : "";
            expected.put(key.path(db), key.type.kind() == KeyType.Kind.LIST ? List.of() : key.defaultValue(db));
        }
        assertEquals(expected, written);
    }

    @Test
    @DisplayName("docs/configuration.md's key table has one row per key, in the table's order, with its unit, default,"
            + " bounds and meaning")
    void docsTableIsTheKeyTable() throws Exception {
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Path.of("docs/configuration.md"))) {
            if (line.startsWith("## ")) {
                inTable = line.equals("## Keys");
            } else if (inTable && line.startsWith("| `")) {
                rows.add(line);
            }
        }
        List<String> expected = Arrays.stream(ConfigKey.values())
                .map(ConfigKeysDocumentedTest::row)
                .toList();
        // Joined, so that a failure shows the rows to paste into the docs.
        assertEquals(String.join("\n", expected), String.join("\n", rows));
    }

    /** A row as the docs write it: key, unit, default, bounds, meaning. */
    static String row(ConfigKey key) {
        String def = key.type.defaultValue();
        String shownDefault = def.isEmpty() ? "none" : key.type.kind() == KeyType.Kind.INTEGER ? def : "`" + def + "`";
        return "| `" + key.docName() + "` | " + key.unit + " | " + shownDefault + " | " + key.type.bounds() + " | "
                + key.doc + " |";
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> out) {
        tree.forEach((name, value) -> {
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            if (value instanceof Map<?, ?> child) {
                flatten(path, (Map<String, Object>) child, out);
            } else {
                out.put(path, value);
            }
        });
    }
}
