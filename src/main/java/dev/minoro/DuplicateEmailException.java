package dev.minoro;

import org.jspecify.annotations.Nullable;

/** A user with the same email, compared case-insensitively after NFKC normalisation, already exists. */
public final class DuplicateEmailException extends MinoroException {

    private static final long serialVersionUID = 1L;

    public DuplicateEmailException(@Nullable Throwable cause) {
        super("a user with this email already exists (emails are compared case-insensitively)", cause);
    }
}
