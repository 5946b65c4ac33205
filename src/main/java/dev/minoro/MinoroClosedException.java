package dev.minoro;

import org.jspecify.annotations.Nullable;

/**
 * The Minoro instance was closed: a call made after {@link Minoro#close()} was subscribed, or one still
 * in flight when the instance's connections or hashing threads went away (whether the database work of
 * such a call took effect is then unknown, as after a lost connection). Make a new instance with
 * {@link Minoro#create(MinoroConfig)} to go on. The cause, when there is one, is what the closing
 * interrupted: a pool or driver error, a refused hashing task.
 */
public final class MinoroClosedException extends MinoroException {

    private static final long serialVersionUID = 1L;

    private static final String MESSAGE = "this Minoro instance is closed; make a new one with Minoro.create(...)";

    /** An exception saying the instance is closed. */
    public MinoroClosedException() {
        super(MESSAGE);
    }

    /**
     * An exception saying the instance is closed, with the failure that showed it.
     *
     * @param cause the failure behind it, or null
     */
    public MinoroClosedException(@Nullable Throwable cause) {
        super(MESSAGE, cause);
    }
}
