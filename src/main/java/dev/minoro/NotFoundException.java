package dev.minoro;

import org.jspecify.annotations.Nullable;

/** The user or role an operation names does not exist, or was deleted while the operation ran. */
public final class NotFoundException extends MinoroException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    /** With the driver's foreign-key error as {@code cause}, when the database found the row missing. */
    public NotFoundException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
