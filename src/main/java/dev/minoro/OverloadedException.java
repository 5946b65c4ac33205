package dev.minoro;

/**
 * Password hashing is at capacity: every hashing thread is busy and the bounded queue is full. Each
 * Argon2 hash holds its memory cost (19 MiB by default) while it runs, so Minoro refuses work rather
 * than queueing it without bound. Retry later, or raise {@code hashingQueueCapacity}.
 */
public final class OverloadedException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception saying which capacity was reached and how to raise it.
     *
     * @param message what was at capacity, and what to do
     * @param cause the refusal behind it
     */
    public OverloadedException(String message, Throwable cause) {
        super(message, cause);
    }
}
