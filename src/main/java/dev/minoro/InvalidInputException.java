package dev.minoro;

/**
 * An argument is unacceptable: a null, a malformed or over-long email, a blank role name, a password
 * outside the configured length. The message names the argument and says what was wrong, without
 * repeating a password.
 */
public final class InvalidInputException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what was refused, where and why.
     *
     * @param message what was refused, and why
     */
    public InvalidInputException(String message) {
        super(message);
    }
}
