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
 * @param version     the optimistic-lock version, incremented by every change to the user's profile, status or
 *                    password; never by login bookkeeping (failed attempts, last login, a rehash of the same
 *                    password) nor by {@link UserRepository#unlock(UUID)}
 * @param securityStamp a random value (32 hexadecimal digits, 128 bits) replaced whenever the user's password,
 *                    email, disabled status (on disabling) or roles change: an application that issues tokens puts
 *                    it in each token and rejects a token whose stamp is no longer the user's. Not shown by
 *                    {@link #toString()}
 * @param passwordChangedAt when the password was last set (created, changed or imported), or null when the user
 *                    has no local password; what {@link MinoroConfig#passwordMaxAge()} counts from
 */
public record User(UUID id, String email, @Nullable String displayName, boolean disabled, Instant createdAt,
        Instant updatedAt, @Nullable Instant lastLoginAt, @Nullable Instant lockedUntil, long version,
        String securityStamp, @Nullable Instant passwordChangedAt) {

    /**
     * {@return whether logins are refused at {@code now} because of a lockout after repeated failed logins}
     *
     * @param now the instant to compare with, from the instance's clock
     */
    public boolean lockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }

    /** {@return the user's fields, without its security stamp} */
    @Override
    public String toString() {
        return "User{id=" + id + ", email=" + email + ", displayName=" + displayName + ", disabled=" + disabled
                + ", createdAt=" + createdAt + ", updatedAt=" + updatedAt + ", lastLoginAt=" + lastLoginAt
                + ", lockedUntil=" + lockedUntil + ", version=" + version + ", passwordChangedAt=" + passwordChangedAt
                + '}';
    }
}
