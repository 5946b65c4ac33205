package dev.minoro;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A user account as stored: never the password hash. Times have millisecond precision on every
 * database.
 *
 * @param id          a UUIDv7, made by Minoro when the user was created
 * @param email       the email as given (lookups compare its NFKC, lower-cased form)
 * @param displayName a name to show, or null
 * @param disabled    whether logins are refused
 * @param createdAt   when the user was created
 * @param updatedAt   when the user's profile, password or status last changed
 * @param lastLoginAt the last successful login, or null
 * @param lockedUntil when the last lockout after repeated failed logins ends (or ended), or null when the
 *                    account was never locked or has been unlocked since; see {@link #lockedAt(Instant)}
 * @param version     the optimistic-lock version, incremented by every change to the user
 */
public record User(UUID id, String email, @Nullable String displayName, boolean disabled, Instant createdAt,
        Instant updatedAt, @Nullable Instant lastLoginAt, @Nullable Instant lockedUntil, long version) {

    /**
     * {@return whether logins are refused at {@code now} because of a lockout after repeated failed logins}
     *
     * @param now the instant to compare with, from the instance's clock
     */
    public boolean lockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }
}
