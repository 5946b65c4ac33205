package dev.minoro.internal.password;

/**
 * A stored password hash that Minoro cannot check: an unknown format, a broken encoding, or parameters
 * outside the bounds Minoro accepts. The message says which part is wrong and never contains the hash.
 */
final class MalformedHashException extends Exception {

    private static final long serialVersionUID = 1L;

    MalformedHashException(String reason) {
        super(reason);
    }
}
