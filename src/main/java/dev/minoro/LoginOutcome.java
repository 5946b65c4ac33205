package dev.minoro;

import java.util.Locale;

/**
 * How one {@link Minoro#authenticate(String, String)} call ended, as {@link LoginEvent#outcome()} and the
 * {@code outcome} tag of the login metrics say it: a closed set, so that a metric tag's cardinality is bounded
 * and no value carries an email or any other input. The caller of {@code authenticate} cannot tell
 * {@link #WRONG_PASSWORD} from {@link #UNKNOWN_EMAIL} (both fail with {@link InvalidCredentialsException}); the
 * operator's events and metrics can.
 */
public enum LoginOutcome {

    /** The password was right; the user was emitted. */
    SUCCESS,
    /** The account exists and the password was wrong. */
    WRONG_PASSWORD,
    /** No account has this email (or it has no password, or the email is malformed). */
    UNKNOWN_EMAIL,
    /** The account is locked: too many failed logins in a row. */
    LOCKED,
    /** The password was right and the account is disabled. */
    DISABLED,
    /** The password was right and older than the configured maximum age: the application asks for a new one. */
    PASSWORD_EXPIRED,
    /** Password hashing was at capacity ({@link OverloadedException}); nothing was checked. */
    OVERLOADED,
    /** The email or password was refused before any check ({@link InvalidInputException}). */
    INVALID_INPUT,
    /** Anything else: a database failure, the instance closed. */
    ERROR,
    /** The subscriber cancelled before an answer. */
    CANCELLED;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /**
     * {@return the metric tag value: the name in lower case, such as {@code wrong_password}}
     */
    public String tag() {
        return tag;
    }
}
