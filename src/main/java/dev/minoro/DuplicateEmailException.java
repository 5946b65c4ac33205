package dev.minoro;

import org.jspecify.annotations.Nullable;

/** A user with the same email, compared case-insensitively after NFKC normalisation, already exists. */
public final class DuplicateEmailException extends MinoroException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with the same message for every taken email, which it never repeats.
     *
     * @param cause the database's unique-constraint violation, or null
     */
    public DuplicateEmailException(@Nullable Throwable cause) {
        super("a user with this email already exists (emails are compared case-insensitively)", cause);
    }
}
