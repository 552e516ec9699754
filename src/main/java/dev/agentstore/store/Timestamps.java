package dev.agentstore.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * New rows get UTC ISO-8601 timestamps with milliseconds and Z, which sort as text in time order.
 * Rows from the Python implementation keep their own forms ({@code 2025-11-28 03:50:52},
 * {@code 2025-11-28T03:50:52.611432}, local time) and are returned as stored.
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    public static String now() {
        return FORMAT.format(Instant.now());
    }

    /** {@code time} as new rows store it. */
    public static String format(Instant time) {
        return FORMAT.format(time);
    }
}
