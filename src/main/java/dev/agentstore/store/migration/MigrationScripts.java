package dev.agentstore.store.migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The migration files, {@code NNNN_name.sql} and {@code NNNN_name.down.sql} in
 * src/main/resources/db/migration, in the order of index.txt there; and the splitting of a script into
 * statements.
 */
final class MigrationScripts {
    private static final String DIR = "db/migration/";

    private MigrationScripts() {}

    static List<Migration> classpath() {
        List<Migration> list = new ArrayList<>();
        for (String id : resource("index.txt").strip().split("\\s+")) {
            list.add(Migration.of(
                    Integer.parseInt(id.substring(0, 4)),
                    id.substring(5),
                    resource(id + ".sql"),
                    resource(id + ".down.sql")));
        }
        return list;
    }

    /** Splits a script into statements: each ends with a semicolon at the end of a line. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = MigrationScripts.class.getClassLoader().getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DIR + name, e);
        }
    }
}
