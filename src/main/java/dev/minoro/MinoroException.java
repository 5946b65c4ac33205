package dev.minoro;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Minoro raises: all are unchecked, and a database or network failure
 * reaches the caller as a subclass of this with the driver's exception as its cause.
 *
 * <p>Messages say what Minoro was doing and what was wrong; they never contain a password, a
 * password hash, or the password inside a connection string.
 */
public class MinoroException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message that says what Minoro was doing.
     *
     * @param message what went wrong
     */
    public MinoroException(String message) {
        super(message);
    }

    /**
     * An exception with a message that says what Minoro was doing, and the failure behind it.
     *
     * @param message what went wrong
     * @param cause the failure behind it, or null
     */
    public MinoroException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
