package dev.agentstore.config;

import java.util.List;

/**
 * What a value may be: text (never empty), text that may be left unset, a whole number within bounds, one of a
 * few words, true or false, or a list of texts (a YAML sequence, or comma-separated in an environment variable or
 * a system property).
 */
public record KeyType(Kind kind, String defaultValue, long min, long max, List<String> choices) {
    public enum Kind {
        TEXT,
        OPTIONAL_TEXT,
        INTEGER,
        CHOICE,
        FLAG,
        LIST
    }

    static KeyType text(String defaultValue) {
        return new KeyType(Kind.TEXT, defaultValue, 0, 0, List.of());
    }

    /** Text whose default is unset (the empty text). */
    static KeyType optionalText() {
        return new KeyType(Kind.OPTIONAL_TEXT, "", 0, 0, List.of());
    }

    static KeyType flag(boolean defaultValue) {
        return new KeyType(Kind.FLAG, String.valueOf(defaultValue), 0, 0, List.of("true", "false"));
    }

    /** A list of texts, empty by default. */
    static KeyType list() {
        return new KeyType(Kind.LIST, "", 0, 0, List.of());
    }

    static KeyType integer(long defaultValue, long min, long max) {
        return new KeyType(Kind.INTEGER, String.valueOf(defaultValue), min, max, List.of());
    }

    /** The first choice is the default. */
    static KeyType choice(String... choices) {
        return new KeyType(Kind.CHOICE, choices[0], 0, 0, List.of(choices));
    }

    /** The bounds as docs/configuration.md writes them. */
    public String bounds() {
        return switch (kind) {
            case TEXT -> "not empty";
            case OPTIONAL_TEXT -> "any";
            case INTEGER -> min + ".." + max;
            case CHOICE, FLAG -> String.join(", ", choices);
            case LIST -> "a list";
        };
    }
}
