package dev.agentstore.config;

import java.util.List;

/** What a value may be: text (never empty), a whole number within bounds, or one of a few words. */
public record KeyType(Kind kind, String defaultValue, long min, long max, List<String> choices) {
    public enum Kind {
        TEXT,
        INTEGER,
        CHOICE
    }

    static KeyType text(String defaultValue) {
        return new KeyType(Kind.TEXT, defaultValue, 0, 0, List.of());
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
            case INTEGER -> min + ".." + max;
            case CHOICE -> String.join(", ", choices);
        };
    }
}
