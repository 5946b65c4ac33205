package dev.minoro;

import java.time.Instant;

/**
 * The account is locked after too many failed logins in a row; no password is checked until
 * {@link #lockedUntil()}.
 */
public final class AccountLockedException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /** When the lock ends. */
    private final Instant lockedUntil;

    /**
     * An exception saying until when the account is locked.
     *
     * @param lockedUntil when the lock ends
     */
    public AccountLockedException(Instant lockedUntil) {
        super("this account is locked after too many failed logins; try again after " + lockedUntil);
        this.lockedUntil = lockedUntil;
    }

    /** {@return when the lock ends} */
    public Instant lockedUntil() {
        return lockedUntil;
    }
}
