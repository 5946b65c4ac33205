package dev.minoro.internal.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.MutableClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

final class UuidV7Tests {

    @Test
    void carriesTheClocksMillisecondsVersion7AndTheRfcVariant() {
        MutableClock clock = MutableClock.atFixedStart();
        UUID id = new UuidV7(clock).next();
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(clock.millis(), id.getMostSignificantBits() >>> 16);
    }

    @Test
    void sortsByTimeAndDoesNotRepeat() {
        MutableClock clock = MutableClock.atFixedStart();
        UuidV7 ids = new UuidV7(clock);
        UUID earlier = ids.next();
        clock.advance(Duration.ofMillis(1));
        UUID later = ids.next();
        assertTrue(earlier.toString().compareTo(later.toString()) < 0, "text order is time order");
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(ids.next()));
        }
    }
}
