package dev.minoro.internal.repository;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Makes UUIDv7 ids (RFC 9562): 48 bits of Unix milliseconds from the clock, then 74 random bits, so
 * that ids sort by creation time and index well.
 */
final class UuidV7 {

    private final Clock clock;
    private final SecureRandom random;

    /**
     * A generator over {@code clock}. Construction seeds a DRBG from the operating system, which may
     * block: make generators where blocking is allowed, not on an event loop.
     */
    UuidV7(Clock clock) {
        this(clock, seededDrbg());
    }

    /** A generator over {@code clock} drawing from {@code random}, a generator already seeded. */
    UuidV7(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /**
     * The process's DRBG {@code SecureRandom} (thread-safe) for ids and session tokens, seeded from the operating
     * system by the first call in the class loader, which may block (call it where blocking is allowed); later
     * calls, such as every later boot of a serverless function's warm JVM, return it at once.
     */
    static SecureRandom sharedDrbg() {
        return SharedDrbg.INSTANCE;
    }

    /** Holds the shared DRBG: made and seeded when first asked for. */
    private static final class SharedDrbg {
        static final SecureRandom INSTANCE = seededDrbg();
    }

    /**
     * A new DRBG {@code SecureRandom} (thread-safe), seeded now from the operating system, which may block: the
     * first {@code nextBytes()} otherwise reads the system's entropy on whatever thread asks.
     */
    static SecureRandom seededDrbg() {
        SecureRandom random;
        try {
            random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Java 9+ always has the DRBG SecureRandom", e);
        }
        random.nextBytes(new byte[16]);
        return random;
    }

    /** A new id. */
    UUID next() {
        long millis = clock.millis();
        byte[] r = new byte[10];
        random.nextBytes(r);
        long randA = ((r[0] & 0xffL) << 4) | ((r[1] & 0xf0L) >>> 4);
        long msb = (millis & 0xffff_ffff_ffffL) << 16 | 0x7000L | (randA & 0x0fff);
        long lsb = 0;
        for (int i = 2; i < 10; i++) {
            lsb = (lsb << 8) | (r[i] & 0xffL);
        }
        lsb = (lsb & 0x3fff_ffff_ffff_ffffL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
