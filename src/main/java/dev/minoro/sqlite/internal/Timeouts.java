package dev.minoro.sqlite.internal;

import java.time.Duration;

/** The one check of every timeout the drivers take, in their builders and on their connections. */
public final class Timeouts {

    /** The longest timeout: what SQLite's and the JDK's millisecond APIs hold, about 24.8 days. */
    public static final long MAX_MILLIS = Integer.MAX_VALUE;

    private Timeouts() {
    }

    /**
     * {@code timeout}, checked: from 0 (when {@code zeroAllowed}, where 0 means at once or no limit) or more than 0,
     * to {@value #MAX_MILLIS} ms.
     *
     * @param name the option or setting, for the message: {@code busyTimeout must be between 0 and 2147483647 ms,
     *             was PT-1S}
     * @throws IllegalArgumentException for null or a timeout out of range
     */
    public static Duration check(Duration timeout, String name, boolean zeroAllowed) {
        if (timeout == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (timeout.isNegative() || !zeroAllowed && timeout.isZero()
                || timeout.compareTo(Duration.ofMillis(MAX_MILLIS)) > 0) {
            throw new IllegalArgumentException(name + (zeroAllowed ? " must be between 0 and " : " must be more than 0"
                    + " and at most ") + MAX_MILLIS + " ms, was " + timeout);
        }
        return timeout;
    }
}
