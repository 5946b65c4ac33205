package dev.minoro;

/**
 * A login failed because the email is unknown or the password is wrong. Both cases raise this type
 * with the same message after about the same time, so a caller cannot tell which.
 */
public final class InvalidCredentialsException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /** An exception with the same message for an unknown email and a wrong password. */
    public InvalidCredentialsException() {
        super("invalid email or password");
    }
}
