package dev.minoro.internal.metrics;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.OverloadedException;
import dev.minoro.PasswordExpiredException;
import java.util.Locale;

/**
 * How one {@code authenticate} call ended, as the {@code outcome} tag of the login metrics says it: a closed set, so
 * that the tag's cardinality is bounded and no value carries an email or any other input.
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
    /** The password was right and older than the configured maximum age. */
    EXPIRED,
    /** Password hashing was at capacity ({@link OverloadedException}); nothing was checked. */
    OVERLOADED,
    /** The email or password was refused before any check ({@link InvalidInputException}). */
    INVALID_INPUT,
    /** Anything else: a database failure, the instance closed. */
    ERROR,
    /** The subscriber cancelled before an answer. */
    CANCELLED;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** The tag value: the name in lower case, such as {@code wrong_password}. */
    public String tag() {
        return tag;
    }

    /**
     * The outcome of a login that failed with {@code error}; an {@link InvalidCredentialsException} is whichever of
     * {@link #WRONG_PASSWORD} and {@link #UNKNOWN_EMAIL} {@code attempt} recorded, since both fail alike.
     */
    static LoginOutcome ofFailure(Throwable error, LoginAttempt attempt) {
        if (error instanceof InvalidCredentialsException) {
            return attempt.credentialsFailure();
        }
        if (error instanceof AccountLockedException) {
            return LOCKED;
        }
        if (error instanceof AccountDisabledException) {
            return DISABLED;
        }
        if (error instanceof PasswordExpiredException) {
            return EXPIRED;
        }
        if (error instanceof OverloadedException) {
            return OVERLOADED;
        }
        if (error instanceof InvalidInputException) {
            return INVALID_INPUT;
        }
        return ERROR;
    }
}
