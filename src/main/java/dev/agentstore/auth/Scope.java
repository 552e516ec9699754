package dev.agentstore.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What an API key may do. Each scope stands alone: {@code admin} does not imply {@code read} or {@code write}
 * (a key that reads the health details and statistics of the server need not read the agents' code), so a
 * key that does everything lists {@code read,write,admin}.
 */
public enum Scope {
    /** Every GET of data: workflows, articles, alerts, agent versions. */
    READ,
    /** Creates, updates and batches. */
    WRITE,
    /** The server's own state: the detail of /api/health/db (paths, pools, writer), and later admin routes. */
    ADMIN;

    /** The name in a keys file, a problem body and the docs: {@code read}, {@code write}, {@code admin}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope whose {@link #label} is {@code text} exactly; none for anything else. */
    public static Optional<Scope> of(String text) {
        for (Scope s : values()) {
            if (s.label().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
