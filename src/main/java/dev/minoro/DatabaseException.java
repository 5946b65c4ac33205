package dev.minoro;

import org.jspecify.annotations.Nullable;

/**
 * A database or network failure: the server refused the connection or the login, a query failed,
 * the pool timed out. The cause is the driver's exception; the message says what Minoro was doing.
 */
public class DatabaseException extends MinoroException {

    private static final long serialVersionUID = 1L;

    public DatabaseException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
