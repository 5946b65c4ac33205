package dev.minoro;

import org.jspecify.annotations.Nullable;

/** The user or role an operation names does not exist, or was deleted while the operation ran. */
public final class NotFoundException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what was not found.
     *
     * @param message what was not found
     */
    public NotFoundException(String message) {
        super(message);
    }

    /**
     * With the driver's foreign-key error as {@code cause}, when the database found the row missing.
     *
     * @param message what was not found
     * @param cause the failure behind it, or null
     */
    public NotFoundException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
