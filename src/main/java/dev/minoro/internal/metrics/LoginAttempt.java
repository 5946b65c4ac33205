package dev.minoro.internal.metrics;

/**
 * What one {@code authenticate} call tells its metrics beyond its signal: whether an
 * {@code InvalidCredentialsException} answered an unknown email or a wrong password, which the caller must not be
 * able to tell apart but the operator's metrics may.
 */
public final class LoginAttempt {

    private volatile LoginOutcome credentialsFailure = LoginOutcome.WRONG_PASSWORD;

    public LoginAttempt() {
    }

    /**
     * The login is answered as for an unknown email because no account has it (or has no password); otherwise an
     * {@code InvalidCredentialsException} counts as a wrong password.
     */
    public void unknownEmail() {
        credentialsFailure = LoginOutcome.UNKNOWN_EMAIL;
    }

    LoginOutcome credentialsFailure() {
        return credentialsFailure;
    }
}
