package dev.minoro;

import org.jspecify.annotations.Nullable;

/**
 * The schema could not be brought up to date, or is in a state this version of Minoro must not run
 * against. Subclasses say which; a failing migration script reaches the caller as this type with the
 * database's error as its cause, after the script's transaction was rolled back.
 */
public class MigrationException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what failed.
     *
     * @param message what failed, naming the database
     */
    public MigrationException(String message) {
        super(message);
    }

    /**
     * An exception saying what failed, with the failure behind it.
     *
     * @param message what failed, naming the database
     * @param cause the failure behind it, or null
     */
    public MigrationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
