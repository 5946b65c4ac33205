package dev.minoro;

import java.util.UUID;

/**
 * An optimistic update found the user at another version than the caller read: someone else changed
 * it in between. Read the user again and retry.
 */
public final class VersionConflictException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /** The user's id. */
    private final UUID userId;
    /** The version the caller expected. */
    private final long expectedVersion;

    /**
     * An exception naming the user and the version that is gone.
     *
     * @param userId the user's id
     * @param expectedVersion the version the caller expected
     */
    public VersionConflictException(UUID userId, long expectedVersion) {
        super("user " + userId + " is no longer at version " + expectedVersion
                + "; it was changed concurrently: read it again and retry");
        this.userId = userId;
        this.expectedVersion = expectedVersion;
    }

    /** {@return the user's id} */
    public UUID userId() {
        return userId;
    }

    /** {@return the version the caller expected} */
    public long expectedVersion() {
        return expectedVersion;
    }
}
