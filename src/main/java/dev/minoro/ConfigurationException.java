package dev.minoro;

import org.jspecify.annotations.Nullable;

/**
 * A configuration value is missing or invalid: a bad connection string, an unknown {@code sslmode},
 * an option out of range. Raised by factories and {@code build()}, or at the latest when the
 * {@code Mono} that uses the configuration is subscribed; the message names the option.
 */
public class ConfigurationException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the option and the bad value.
     *
     * @param message what is wrong, and how to fix it
     */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * An exception naming the option and the bad value, with the failure that revealed it.
     *
     * @param message what is wrong, and how to fix it
     * @param cause the failure behind it, or null
     */
    public ConfigurationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
