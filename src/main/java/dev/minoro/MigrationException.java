package dev.minoro;

import org.jspecify.annotations.Nullable;

/**
 * The schema could not be brought up to date, or is in a state this version of Minoro must not run
 * against. Subclasses say which; a failing migration script reaches the caller as this type with the
 * database's error as its cause, after the script's transaction was rolled back.
 */
public class MigrationException extends MinoroException {

    private static final long serialVersionUID = 1L;

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
