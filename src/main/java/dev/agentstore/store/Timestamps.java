package dev.agentstore.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * New rows get UTC ISO-8601 timestamps with milliseconds and Z, which sort as text in time order.
 * Rows from the Python implementation keep their own forms ({@code 2025-11-28 03:50:52},
 * {@code 2025-11-28T03:50:52.611432}, local time) and are returned as stored.
 *
 * <p>Every write formats one or two of them on the writer thread, where {@link DateTimeFormatter} spent about a
 * tenth of a keyed create's time (its fraction goes through BigDecimal, docs/PERFORMANCE.md): the seconds are
 * formatted once a second and the milliseconds appended by hand.
 */
public final class Timestamps {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The text of one second, reused while the clock stays in it. */
    private record Second(long epochSecond, String text) {}

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private Timestamps() {}

    public static String now() {
        return format(Instant.now());
    }

    /** {@code time} as new rows store it: {@code 2026-12-03T07:42:46.123Z}. */
    public static String format(Instant time) {
        long second = time.getEpochSecond();
        Second s = last;
        if (s.epochSecond() != second) {
            s = new Second(second, SECONDS.format(time));
            last = s;
        }
        int ms = time.getNano() / 1_000_000;
        String text = s.text();
        char[] out = new char[text.length() + 5];
        text.getChars(0, text.length(), out, 0);
        int at = text.length();
        out[at] = '.';
        out[at + 1] = (char) ('0' + ms / 100);
        out[at + 2] = (char) ('0' + ms / 10 % 10);
        out[at + 3] = (char) ('0' + ms % 10);
        out[at + 4] = 'Z';
        return new String(out);
    }
}
