package dev.minoro.internal.password;

/**
 * Lets tests watch where and how often {@link PasswordHasher} works, and hold or fail its work: each
 * method runs on the hashing thread, at the moment it says. Production uses {@link #NONE}. Internal: a
 * test seam, not API.
 */
public interface HashingProbe {

    /** Does nothing. */
    HashingProbe NONE = new HashingProbe() {
    };

    /** A hash or a verification starts on a hashing thread, before any work. */
    default void taskStarted() {
    }

    /** One Argon2 computation (tens of milliseconds at the defaults) is about to start. */
    default void argon2Started() {
    }
}
