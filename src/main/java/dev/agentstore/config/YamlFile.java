package dev.agentstore.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads the config file into a tree of mappings whose leaves are the text the user wrote, with the line of
 * every key. Through SnakeYAML Engine's node API rather than its object loader: YAML 1.2 (so {@code OFF} or
 * {@code yes} stay words, not booleans), every scalar kept as its text (the typed reading is the table's, the
 * same for the file, the environment and properties), and a duplicate key refused with both lines instead of
 * the last one silently winning.
 */
final class YamlFile {
    /**
     * @param root the top-level mapping: nested {@code Map}s, {@code List}s, text, or null for an empty value
     * @param origins the key path of every mapping entry, to where it was written ("conf/config.yaml line 3")
     */
    record Content(Map<String, Object> root, Map<String, String> origins) {
        static Content empty() {
            return new Content(Map.of(), Map.of());
        }
    }

    private final Path file;
    private final Map<String, String> origins = new HashMap<>();

    private YamlFile(Path file) {
        this.file = file;
    }

    /** Reads {@code file}; a missing file is empty content, or an error when {@code required}. */
    static Content read(Path file, boolean required) {
        if (!Files.exists(file)) {
            if (required) {
                throw new ConfigException("config file " + file + " does not exist");
            }
            return Content.empty();
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file.toString())
                .setSchema(new CoreSchema())
                .build();
        Optional<Node> document;
        try (InputStream in = Files.newInputStream(file)) {
            document = new Compose(settings).composeInputStream(in);
        } catch (MarkedYamlEngineException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + describe(e));
        } catch (YamlEngineException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + firstLine(e.getMessage()));
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e);
        }
        if (document.isEmpty()) {
            return Content.empty(); // an empty file, or only comments: every key at its default
        }
        YamlFile reader = new YamlFile(file);
        if (!(document.get() instanceof MappingNode root)) {
            throw new ConfigException("config file " + file
                    + " must be a mapping of sections (http:, limits:, database:), but it is " + kind(document.get())
                    + " at " + at(document.get().getStartMark()));
        }
        Map<String, Object> tree = reader.mapping(root, "");
        return new Content(tree, Map.copyOf(reader.origins));
    }

    private Map<String, Object> mapping(MappingNode node, String path) {
        Map<String, Object> map = new LinkedHashMap<>();
        Map<String, Node> keyNodes = new HashMap<>();
        for (NodeTuple entry : node.getValue()) {
            Node keyNode = entry.getKeyNode();
            String child = keyNode instanceof ScalarNode s ? join(path, s.getValue()) : null;
            if (child == null) {
                throw new ConfigException("config file " + file + ": a key at " + at(keyNode.getStartMark()) + " is "
                        + kind(keyNode) + ", not a name");
            }
            Node first = keyNodes.putIfAbsent(child, keyNode);
            if (first != null) {
                throw new ConfigException("config file " + file + ": duplicate key '" + child + "' at "
                        + at(keyNode.getStartMark()) + " (first at " + at(first.getStartMark()) + ")");
            }
            origins.put(
                    child,
                    file + " line "
                            + keyNode.getStartMark().map(m -> m.getLine() + 1).orElse(0));
            map.put(child.substring(path.isEmpty() ? 0 : path.length() + 1), value(entry.getValueNode(), child));
        }
        return map;
    }

    private Object value(Node node, String path) {
        if (node instanceof MappingNode m) {
            return mapping(m, path);
        }
        if (node instanceof SequenceNode seq) {
            // A list key's value; Settings refuses a list anywhere else, naming the key.
            List<Object> items = new java.util.ArrayList<>();
            for (Node item : seq.getValue()) {
                items.add(item instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue() : null);
            }
            return items;
        }
        ScalarNode scalar = (ScalarNode) node;
        return scalar.getTag().equals(Tag.NULL) ? null : scalar.getValue();
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String kind(Node node) {
        return switch (node.getNodeType()) {
            case SEQUENCE -> "a list";
            case MAPPING -> "a mapping";
            default -> "a single value";
        };
    }

    private static String at(Optional<Mark> mark) {
        return mark.map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
                .orElse("an unknown place");
    }

    /** One line: where, what, and what the parser was in the middle of (with where that started). */
    private static String describe(MarkedYamlEngineException e) {
        StringBuilder s = new StringBuilder();
        s.append(at(e.getProblemMark())).append(": ").append(firstLine(e.getProblem()));
        if (e.getContext() != null && !e.getContext().isBlank()) {
            s.append(" (").append(firstLine(e.getContext()));
            e.getContextMark().ifPresent(m -> s.append(" that started at ").append(at(Optional.of(m))));
            s.append(")");
        }
        return s.toString();
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.strip().lines().findFirst().orElse("");
    }
}
