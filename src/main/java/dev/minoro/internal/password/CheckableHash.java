package dev.minoro.internal.password;

import org.jspecify.annotations.Nullable;

/**
 * A password hash of a format Minoro can check, parsed from its string with every parameter within the
 * format's own bounds. A new format (PBKDF2, scrypt, ...) is one more implementation, read by
 * {@link StoredHash#parse(String)}.
 */
interface CheckableHash {

    /**
     * Whether {@code password} (bytes as {@link PasswordForm} made them) hashes to this hash, compared in
     * constant time. Blocking: costs what making the hash cost.
     *
     * @throws MalformedHashException when the hash turns out not to be checkable after all (a flaw that
     *                                parsing could not see); the message never contains the hash
     */
    boolean matches(byte[] password) throws MalformedHashException;

    /**
     * Why checking a password against this hash costs more than {@code limits} allow (memory, work,
     * lanes), or null when it is within them. Cheap: reads the parameters only; never quotes the hash.
     */
    @Nullable String exceeds(CostLimits limits);

    /** Whether this is an Argon2 hash: each check is one Argon2 computation, which the probe counts. */
    boolean isArgon2();
}
