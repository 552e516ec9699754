package dev.agentstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Ids: version-7 UUIDs that sort in the order of their time")
class IdsTest {
    @Test
    @DisplayName("each is a version-7, variant-2 UUID of its millisecond, and all are different")
    void wellFormed() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Ids.timeOrdered(1_733_250_000_000L + i / 100);
            assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
            UUID u = UUID.fromString(id);
            assertEquals(7, u.version());
            assertEquals(2, u.variant());
            assertEquals(1_733_250_000_000L + i / 100, u.getMostSignificantBits() >>> 16);
            assertTrue(seen.add(id), id);
        }
    }

    @Test
    @DisplayName("an id of a later millisecond sorts after one of an earlier, as text")
    void sortsByTime() {
        String previous = Ids.timeOrdered(0);
        for (long ms : new long[] {1, 255, 256, 65_535, 1L << 32, 1_733_250_000_000L, (1L << 48) - 1}) {
            String id = Ids.timeOrdered(ms);
            assertTrue(previous.compareTo(id) < 0, previous + " < " + id);
            previous = id;
        }
    }
}
