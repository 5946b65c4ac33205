package dev.minoro;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A login session as stored, without its token.
 *
 * @param id                a UUIDv7, the session's public id (not a credential: it cannot be used to log in)
 * @param userId            the user the session belongs to
 * @param createdAt         when the session was created
 * @param lastSeenAt        when the session was last renewed by {@link SessionRepository#validate(String)}; renewals
 *                          are written at most once per {@link MinoroConfig#sessionRenewalInterval()}
 * @param expiresAt         when the session ends unless renewed before: the earlier of its absolute end and
 *                          {@code lastSeenAt} plus its idle timeout; null when it never expires
 * @param absoluteExpiresAt when the session ends however active it is, or null when it has no absolute end
 * @param metadata          what the caller supplied at creation (user agent, IP address...), unmodifiable
 */
public record Session(UUID id, UUID userId, Instant createdAt, Instant lastSeenAt, @Nullable Instant expiresAt,
        @Nullable Instant absoluteExpiresAt, Map<String, String> metadata) {

    /**
     * A session; the metadata is copied into an unmodifiable map.
     *
     * @param id                the session's public id
     * @param userId            the user the session belongs to
     * @param createdAt         when the session was created
     * @param lastSeenAt        when the session was last renewed
     * @param expiresAt         when the session ends unless renewed before, or null when it never expires
     * @param absoluteExpiresAt when the session ends however active it is, or null
     * @param metadata          what the caller supplied at creation
     */
    public Session {
        metadata = Map.copyOf(metadata);
    }
}
