package dev.minoro;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a new session expires, and what the caller wants to remember about it. Immutable: each {@code with} method
 * returns a copy.
 *
 * <pre>{@code
 * SessionOptions rememberMe = SessionOptions.defaults()
 *         .withAbsoluteTimeout(Duration.ofDays(30))
 *         .withIdleTimeout(Duration.ofDays(7))
 *         .withMetadata(Map.of("userAgent", userAgent, "ip", remoteAddress));
 * }</pre>
 */
public final class SessionOptions {

    private static final SessionOptions DEFAULTS = new SessionOptions(null, false, null, false, Map.of());

    private final @Nullable Duration absoluteTimeout;
    private final boolean absoluteTimeoutSet;
    private final @Nullable Duration idleTimeout;
    private final boolean idleTimeoutSet;
    private final Map<String, String> metadata;

    private SessionOptions(@Nullable Duration absoluteTimeout, boolean absoluteTimeoutSet,
            @Nullable Duration idleTimeout, boolean idleTimeoutSet, Map<String, String> metadata) {
        this.absoluteTimeout = absoluteTimeout;
        this.absoluteTimeoutSet = absoluteTimeoutSet;
        this.idleTimeout = idleTimeout;
        this.idleTimeoutSet = idleTimeoutSet;
        this.metadata = metadata;
    }

    /**
     * {@return the options that take both timeouts from the configuration ({@link
     * MinoroConfig#sessionAbsoluteTimeout()}, {@link MinoroConfig#sessionIdleTimeout()}) and carry no metadata}
     */
    public static SessionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * {@return a copy with this absolute timeout: the session ends this long after its creation, however active}
     *
     * @param timeout 1 ms to 36500 days (millisecond precision), or null for a session with no absolute end
     * @throws InvalidInputException when the duration is shorter or longer
     */
    public SessionOptions withAbsoluteTimeout(@Nullable Duration timeout) {
        return new SessionOptions(positive(timeout, "absolute timeout"), true, idleTimeout, idleTimeoutSet,
                metadata);
    }

    /**
     * {@return a copy with this idle timeout: the session ends when it is not validated for this long}
     *
     * @param timeout 1 ms to 36500 days (millisecond precision), longer than
     *                {@link MinoroConfig#sessionRenewalInterval()} (which {@link SessionRepository#create} checks), or
     *                null for no idle expiry
     * @throws InvalidInputException when the duration is shorter or longer
     */
    public SessionOptions withIdleTimeout(@Nullable Duration timeout) {
        return new SessionOptions(absoluteTimeout, absoluteTimeoutSet, positive(timeout, "idle timeout"), true,
                metadata);
    }

    /**
     * {@return a copy carrying this metadata, listed by {@link SessionRepository#sessionsOf}: a user agent, an IP
     * address, a device name; never a secret}
     *
     * @param metadata at most 16 entries, keys of at most 100 characters and values of at most 1000, none null
     * @throws InvalidInputException when the map is larger, an entry is longer, or a key or value is null
     */
    public SessionOptions withMetadata(Map<String, String> metadata) {
        if (metadata == null) {
            throw new InvalidInputException("Session metadata must not be null; pass Map.of() for none");
        }
        if (metadata.size() > 16) {
            throw new InvalidInputException("Session metadata has " + metadata.size()
                    + " entries; at most 16 are allowed");
        }
        metadata.forEach((key, value) -> {
            if (key == null || value == null) {
                throw new InvalidInputException("Session metadata must not hold a null key or value");
            }
            if (key.length() > 100) {
                throw new InvalidInputException("Session metadata key '" + key.substring(0, 100) + "...' has "
                        + key.length() + " characters; keys take at most 100");
            }
            if (value.length() > 1000) {
                throw new InvalidInputException("Session metadata value of key '" + key + "' has " + value.length()
                        + " characters; values take at most 1000");
            }
        });
        return new SessionOptions(absoluteTimeout, absoluteTimeoutSet, idleTimeout, idleTimeoutSet,
                Map.copyOf(metadata));
    }

    /**
     * {@return the absolute timeout to use, given the configuration's: this one when set (possibly null for
     * none), else the configuration's}
     *
     * @param configured {@link MinoroConfig#sessionAbsoluteTimeout()}
     */
    public @Nullable Duration absoluteTimeout(@Nullable Duration configured) {
        return absoluteTimeoutSet ? absoluteTimeout : configured;
    }

    /**
     * {@return the idle timeout to use, given the configuration's: this one when set (possibly null for none),
     * else the configuration's}
     *
     * @param configured {@link MinoroConfig#sessionIdleTimeout()}
     */
    public @Nullable Duration idleTimeout(@Nullable Duration configured) {
        return idleTimeoutSet ? idleTimeout : configured;
    }

    /** {@return the metadata, unmodifiable} */
    public Map<String, String> metadata() {
        return metadata;
    }

    private static @Nullable Duration positive(@Nullable Duration timeout, String what) {
        if (timeout != null && (timeout.isNegative() || timeout.toMillis() == 0)) {
            throw new InvalidInputException("The session " + what + " must be at least 1 ms, or null for none; got "
                    + timeout);
        }
        if (timeout != null && timeout.compareTo(MinoroConfig.MAX_SESSION_DURATION) > 0) {
            throw new InvalidInputException("The session " + what + " must be at most "
                    + MinoroConfig.MAX_SESSION_DURATION.toDays() + " days, or null for none; got " + timeout);
        }
        return timeout;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof SessionOptions that && absoluteTimeoutSet == that.absoluteTimeoutSet
                && idleTimeoutSet == that.idleTimeoutSet && Objects.equals(absoluteTimeout, that.absoluteTimeout)
                && Objects.equals(idleTimeout, that.idleTimeout) && metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(absoluteTimeout, absoluteTimeoutSet, idleTimeout, idleTimeoutSet, metadata);
    }

    @Override
    public String toString() {
        return "SessionOptions[absoluteTimeout=" + (absoluteTimeoutSet ? absoluteTimeout : "default")
                + ", idleTimeout=" + (idleTimeoutSet ? idleTimeout : "default") + ", metadata keys="
                + metadata.keySet() + "]";
    }
}
