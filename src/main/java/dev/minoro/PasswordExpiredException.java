package dev.minoro;

import java.time.Instant;

/**
 * The password was right, but it is older than the configured {@link MinoroConfig#passwordMaxAge()}: the
 * application should ask the user for a new one ({@link UserRepository#changePassword}) before letting it in.
 * Signalled only after the password was checked and found right, and never for a disabled account (which gets
 * {@link AccountDisabledException}); a wrong password gets {@link InvalidCredentialsException} as always.
 */
public final class PasswordExpiredException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /** When the password expired. */
    private final Instant expiredAt;

    /**
     * An exception saying when the password expired.
     *
     * @param expiredAt when the password expired: when it was set plus the maximum age
     */
    public PasswordExpiredException(Instant expiredAt) {
        super("the password has expired (at " + expiredAt + "); set a new one");
        this.expiredAt = expiredAt;
    }

    /** {@return when the password expired: when it was set plus the configured maximum age} */
    public Instant expiredAt() {
        return expiredAt;
    }
}
