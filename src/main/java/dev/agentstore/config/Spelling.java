package dev.agentstore.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What an unknown key, variable or property was probably meant to be: the nearest known name by edit
 * distance when it is near enough to be a typo, else the names that are allowed where it was written. One
 * short line either way, rather than every known key.
 */
final class Spelling {
    private Spelling() {}

    /** "unknown config key 'database.workflow.pool_sise'; did you mean 'database.workflow.pool_size'?" */
    static String unknownKey(String path) {
        if (ConfigKey.at(path) != null || ConfigKey.sections().contains(path)) {
            int dot = path.lastIndexOf('.');
            return "config key '" + path + "' must be written nested: '" + path.substring(dot + 1) + ":' under '"
                    + path.substring(0, dot) + ":'";
        }
        List<String> names = new ArrayList<>(ConfigKey.paths());
        names.addAll(ConfigKey.sections());
        String message = "unknown config " + (path.contains(".") ? "key" : "section") + " '" + path + "'; ";
        return message
                + closest(path, names).map(n -> "did you mean '" + n + "'?").orElseGet(() -> allowedBeside(path));
    }

    static String unknownVariable(String name) {
        List<String> names =
                ConfigKey.paths().stream().map(Overrides::variableName).toList();
        return "unknown environment variable " + name + "; "
                + closest(name, names)
                        .map(n -> "did you mean " + n + "?")
                        .orElse(Overrides.ENV_PREFIX + " + a key path in upper snake case, e.g. "
                                + Overrides.variableName(ConfigKey.HTTP_PORT.path("")) + " (docs/configuration.md)");
    }

    static String unknownProperty(String name) {
        List<String> names =
                ConfigKey.paths().stream().map(Overrides::propertyName).toList();
        String path = name.substring(Overrides.PROP_PREFIX.length());
        return "unknown system property -D" + name + "; "
                + closest(name, names).map(n -> "did you mean -D" + n + "?").orElseGet(() -> allowedBeside(path));
    }

    /** The names allowed in the nearest known section of {@code path}. */
    private static String allowedBeside(String path) {
        String section = path;
        do {
            int dot = section.lastIndexOf('.');
            section = dot < 0 ? "" : section.substring(0, dot);
        } while (!section.isEmpty() && !ConfigKey.sections().contains(section));
        String parent = section;
        List<String> children = new ArrayList<>();
        for (String known : ConfigKey.paths()) {
            childOf(parent, known).ifPresent(children::add);
        }
        for (String known : ConfigKey.sections()) {
            childOf(parent, known).ifPresent(children::add);
        }
        return (parent.isEmpty() ? "the sections are " : "the keys of " + parent + " are ")
                + String.join(", ", children);
    }

    private static Optional<String> childOf(String parent, String path) {
        String rest =
                parent.isEmpty() ? path : path.startsWith(parent + ".") ? path.substring(parent.length() + 1) : null;
        return rest == null || rest.contains(".") ? Optional.empty() : Optional.of(rest);
    }

    /**
     * The nearest name, if it is within a typo's reach: a third of the last word's length, at least one edit
     * and at most three ("prot" reaches "port", "foo" does not reach "port").
     */
    static Optional<String> closest(String word, Collection<String> names) {
        String[] parts = word.split("[._]");
        int reach = Math.max(1, Math.min(3, parts[parts.length - 1].length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = distance(word, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return bestDistance <= reach ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Edits between two names: insert, delete, substitute, or swap two neighbours (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
