package dev.agentstore.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values given for each key path, from the file and then the overrides, each with where it came from,
 * and typed reading by the key table's rules. Every error names the key, the value, what is allowed and,
 * when known, where the value was written.
 */
final class Settings {
    private record Setting(Object value, String origin) {}

    private final Map<String, Setting> values = new LinkedHashMap<>();
    private final Set<String> sections = new HashSet<>();

    /**
     * Takes a tree of sections (from the YAML file or built in code), refusing what the key table does not
     * know: an unknown section or key, a section that is not a mapping, a key without a single value.
     */
    static Settings fromTree(Map<String, ?> root, Map<String, String> origins) {
        Settings s = new Settings();
        for (Map.Entry<String, ?> top : root.entrySet()) {
            String name = top.getKey();
            switch (name) {
                case "http", "auth", "limits", "metrics", "log", "backup", "retention", "monitor" ->
                    s.section(name, top.getValue(), origins);
                case "database" -> {
                    for (Map.Entry<String, ?> db :
                            mapping(name, top.getValue(), origins).entrySet()) {
                        String path = "database." + db.getKey();
                        if (!ConfigKey.DATABASES.contains(db.getKey())) {
                            throw new ConfigException(Spelling.unknownKey(path) + where(origins.get(path)));
                        }
                        s.section(path, db.getValue(), origins);
                    }
                }
                default -> throw new ConfigException(Spelling.unknownKey(name) + where(origins.get(name)));
            }
        }
        return s;
    }

    private void section(String path, Object value, Map<String, String> origins) {
        sections.add(path);
        for (Map.Entry<String, ?> e : mapping(path, value, origins).entrySet()) {
            String key = path + "." + e.getKey();
            String origin = origins.getOrDefault(key, "");
            Object v = e.getValue();
            if (ConfigKey.at(key) == null && ConfigKey.sections().contains(key)) {
                section(key, v, origins); // http.cors
                continue;
            }
            if (ConfigKey.at(key) == null) {
                throw new ConfigException(Spelling.unknownKey(key) + where(origin));
            }
            if (v == null) {
                throw new ConfigException(key + " has no value (leave the key out for its default)" + where(origin));
            }
            boolean list = ConfigKey.at(key).type.kind() == KeyType.Kind.LIST;
            if (v instanceof JsonArray array) {
                v = array.getList();
            }
            if (v instanceof Map || v instanceof JsonObject || (v instanceof List && !list)) {
                throw new ConfigException(key + " must be a single value, not a list or a mapping" + where(origin));
            }
            put(key, v, origin);
        }
    }

    /** A section's content: a mapping, or nothing at all ("agent_versions:" with no keys under it). */
    @SuppressWarnings("unchecked")
    private static Map<String, ?> mapping(String path, Object value, Map<String, String> origins) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof JsonObject json) {
            return json.getMap();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, ?>) map;
        }
        throw new ConfigException(
                path + " must be a section (a mapping of keys), got '" + value + "'" + where(origins.get(path)));
    }

    void put(String path, Object value, String origin) {
        values.put(path, new Setting(value, origin));
    }

    /** Whether the section was written (even empty) or any of its keys was given. */
    boolean hasSection(String path) {
        return sections.contains(path) || values.keySet().stream().anyMatch(k -> k.startsWith(path + "."));
    }

    String text(ConfigKey key) {
        return text(key, "");
    }

    int integer(ConfigKey key) {
        return integer(key, "");
    }

    /** A text value, stripped; never empty. */
    String text(ConfigKey key, String database) {
        String path = key.path(database);
        Setting s = values.get(path);
        if (s == null) {
            return key.defaultValue(database);
        }
        if (!(s.value instanceof String text)) {
            throw new ConfigException(path + " must be text, got '" + s.value + "'" + where(s.origin));
        }
        if (text.isBlank()) {
            throw new ConfigException(path + " must not be empty" + where(s.origin));
        }
        return text.strip();
    }

    /** A whole number within the key's bounds. */
    int integer(ConfigKey key, String database) {
        String path = key.path(database);
        KeyType t = key.type;
        Setting s = values.get(path);
        if (s == null) {
            return Integer.parseInt(key.defaultValue(database));
        }
        long n;
        if (s.value instanceof Integer || s.value instanceof Long) {
            n = ((Number) s.value).longValue();
        } else if (s.value instanceof String text && text.strip().matches("[-+]?\\d{1,18}")) {
            n = Long.parseLong(text.strip());
        } else {
            throw new ConfigException(path + " must be a whole number between " + t.min() + " and " + t.max()
                    + ", got '" + s.value + "'" + where(s.origin));
        }
        if (n < t.min() || n > t.max()) {
            throw new ConfigException(
                    path + " must be between " + t.min() + " and " + t.max() + ", got " + n + where(s.origin));
        }
        return (int) n;
    }

    /** A text that may be unset: empty when it is, else stripped. */
    String optionalText(ConfigKey key) {
        String path = key.path("");
        Setting s = values.get(path);
        if (s == null) {
            return key.defaultValue("");
        }
        if (!(s.value instanceof String text)) {
            throw new ConfigException(path + " must be text, got '" + s.value + "'" + where(s.origin));
        }
        return text.strip();
    }

    /** true or false, in any case; or a boolean, as a tree built in code (or by a YAML loader) holds it. */
    boolean flag(ConfigKey key) {
        Setting s = values.get(key.path(""));
        if (s != null && s.value instanceof Boolean b) {
            return b;
        }
        return Boolean.parseBoolean(choice(key, ""));
    }

    /**
     * A list of texts: a YAML sequence of single values, or one text of comma-separated items (as an environment
     * variable or a system property gives it). Items are stripped; an empty item is an error.
     */
    List<String> list(ConfigKey key) {
        return list(key, java.util.function.UnaryOperator.identity());
    }

    /**
     * A list, each item in the form {@code form} gives it; {@code form} throws IllegalArgumentException with what
     * is wrong with an item, which is refused saying where it came from.
     */
    List<String> list(ConfigKey key, java.util.function.UnaryOperator<String> form) {
        String path = key.path("");
        Setting s = values.get(path);
        if (s == null) {
            return List.of();
        }
        List<?> items;
        if (s.value instanceof List<?> given) {
            items = given;
        } else if (s.value instanceof String text) {
            items = text.isBlank() ? List.of() : List.of(text.split(",", -1));
        } else {
            throw new ConfigException(path + " must be a list, got '" + s.value + "'" + where(s.origin));
        }
        List<String> out = new java.util.ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String text) || text.isBlank()) {
                throw new ConfigException(path + " must be a list of non-empty texts, got "
                        + (item == null ? "an empty item" : "'" + item + "'") + where(s.origin));
            }
            try {
                out.add(form.apply(text.strip()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(path + ": " + e.getMessage() + where(s.origin));
            }
        }
        return List.copyOf(out);
    }

    /** One of the key's choices, in any case; the choice as the table spells it. */
    String choice(ConfigKey key, String database) {
        String path = key.path(database);
        Setting s = values.get(path);
        String given = text(key, database);
        return key.type.choices().stream()
                .filter(c -> c.equalsIgnoreCase(given))
                .findFirst()
                .orElseThrow(() -> new ConfigException(path + " must be one of " + key.type.bounds() + ", got '" + given
                        + "'" + where(s == null ? "" : s.origin)));
    }

    private static String where(String origin) {
        return origin == null || origin.isEmpty() ? "" : " (" + origin + ")";
    }
}
