package dev.minoro;

/** The password was right but the account is disabled. */
public final class AccountDisabledException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /** An exception with the message every disabled account gets. */
    public AccountDisabledException() {
        super("this account is disabled");
    }
}
