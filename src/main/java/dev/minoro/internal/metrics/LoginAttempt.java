package dev.minoro.internal.metrics;

import dev.minoro.AccountDisabledException;
import dev.minoro.AccountLockedException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.LoginOutcome;
import dev.minoro.OverloadedException;
import dev.minoro.PasswordExpiredException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What one {@code authenticate} call tells its metrics and login events beyond its signal: whether an
 * {@code InvalidCredentialsException} answered an unknown email or a wrong password, which the caller must not be
 * able to tell apart but the operator may, and the normalised email and the user id once known. The one place that
 * turns a login's signal into its {@link LoginOutcome}.
 */
public final class LoginAttempt {

    private volatile LoginOutcome credentialsFailure = LoginOutcome.WRONG_PASSWORD;
    private volatile @Nullable String emailNorm;
    private volatile @Nullable UUID userId;

    public LoginAttempt() {
    }

    /**
     * The login is answered as for an unknown email because no account has it (or has no password); otherwise an
     * {@code InvalidCredentialsException} counts as a wrong password.
     */
    public void unknownEmail() {
        credentialsFailure = LoginOutcome.UNKNOWN_EMAIL;
    }

    /** The login is for this normalised email. */
    public void email(String emailNorm) {
        this.emailNorm = emailNorm;
    }

    /** The login is for the account with this id. */
    public void user(UUID userId) {
        this.userId = userId;
    }

    /** The normalised email, or null when the email was absent or malformed. */
    public @Nullable String emailNorm() {
        return emailNorm;
    }

    /** The account's id, or null when no account was found. */
    public @Nullable UUID userId() {
        return userId;
    }

    /** The outcome of a login that emitted {@code user} (null: it completed empty, which is a fault). */
    public static LoginOutcome ofSuccess(@Nullable Object user) {
        return user == null ? LoginOutcome.ERROR : LoginOutcome.SUCCESS;
    }

    /**
     * The outcome of this login, failed with {@code error}; an {@link InvalidCredentialsException} is whichever of
     * {@link LoginOutcome#WRONG_PASSWORD} and {@link LoginOutcome#UNKNOWN_EMAIL} was recorded, since both fail alike.
     */
    public LoginOutcome ofFailure(Throwable error) {
        if (error instanceof InvalidCredentialsException) {
            return credentialsFailure;
        }
        if (error instanceof AccountLockedException) {
            return LoginOutcome.LOCKED;
        }
        if (error instanceof AccountDisabledException) {
            return LoginOutcome.DISABLED;
        }
        if (error instanceof PasswordExpiredException) {
            return LoginOutcome.PASSWORD_EXPIRED;
        }
        if (error instanceof OverloadedException) {
            return LoginOutcome.OVERLOADED;
        }
        if (error instanceof InvalidInputException) {
            return LoginOutcome.INVALID_INPUT;
        }
        return LoginOutcome.ERROR;
    }
}
