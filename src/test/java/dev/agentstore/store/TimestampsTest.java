package dev.agentstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Timestamps.format writes what DateTimeFormatter writes, for any instant")
class TimestampsTest {
    static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    @DisplayName("random instants from 1970 to 9999, the same second twice, millisecond and nanosecond edges")
    void sameAsTheFormatter() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(0, 253_402_300_799L), random.nextInt(1_000_000_000));
            assertEquals(REFERENCE.format(t), Timestamps.format(t), t.toString());
            Instant sameSecond = t.plusNanos(random.nextInt(1_000_000_000 - t.getNano()));
            assertEquals(REFERENCE.format(sameSecond), Timestamps.format(sameSecond), sameSecond.toString());
        }
        for (Instant t : new Instant[] {
            Instant.EPOCH,
            Instant.ofEpochSecond(0, 999_999_999),
            Instant.ofEpochSecond(1, 1_000_000),
            Instant.parse("2026-12-31T23:59:59.999Z"),
            Instant.parse("2027-01-01T00:00:00Z")
        }) {
            assertEquals(REFERENCE.format(t), Timestamps.format(t), t.toString());
        }
        String now = Timestamps.now();
        assertEquals(now, REFERENCE.format(Instant.parse(now)));
    }
}
