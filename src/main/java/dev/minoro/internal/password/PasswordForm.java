package dev.minoro.internal.password;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;

/**
 * Which bytes of a typed password a hash was made from: the one rule that says how a password is
 * checked against a hash of each origin.
 *
 * <p>Minoro hashes the NFKC form, so that a password typed on systems that compose accents differently,
 * or with full-width letters, is the same password. Other systems (Spring Security's encoders, PHP,
 * libsodium, most others) hash the UTF-8 bytes as typed, so a hash they made is checked against those
 * bytes; since some systems normalise first, the NFKC form is tried as well when its bytes differ. The
 * second try costs a second hash, and only for passwords that NFKC changes.
 */
enum PasswordForm {

    /** Minoro's own hashes: Unicode NFKC, then UTF-8. */
    NFKC {
        @Override
        List<byte[]> candidates(String password) {
            return List.of(nfkc(password));
        }
    },

    /** Hashes imported from other systems: the UTF-8 bytes as typed, then the NFKC form if it differs. */
    AS_TYPED {
        @Override
        List<byte[]> candidates(String password) {
            byte[] typed = password.getBytes(StandardCharsets.UTF_8);
            byte[] normalised = nfkc(password);
            if (Arrays.equals(typed, normalised)) {
                Arrays.fill(normalised, (byte) 0);
                return List.of(typed);
            }
            return List.of(typed, normalised);
        }
    };

    /**
     * The byte arrays to check, in order. The caller zeroes each after use; the Strings they came from
     * cannot be wiped (Strings are immutable), but the arrays, the copies Argon2 and bcrypt read, can.
     */
    abstract List<byte[]> candidates(String password);

    /** What Minoro hashes: the NFKC form in UTF-8. */
    static byte[] nfkc(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8);
    }
}
