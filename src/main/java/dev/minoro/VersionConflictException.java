package dev.minoro;

import java.util.UUID;

/**
 * An optimistic update found the user at another version than the caller read: someone else changed
 * it in between. Read the user again and retry.
 */
public final class VersionConflictException extends MinoroException {

    private static final long serialVersionUID = 1L;

    private final UUID userId;
    private final long expectedVersion;

    public VersionConflictException(UUID userId, long expectedVersion) {
        super("user " + userId + " is no longer at version " + expectedVersion
                + "; it was changed concurrently: read it again and retry");
        this.userId = userId;
        this.expectedVersion = expectedVersion;
    }

    public UUID userId() {
        return userId;
    }

    public long expectedVersion() {
        return expectedVersion;
    }
}
