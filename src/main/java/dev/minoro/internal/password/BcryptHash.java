package dev.minoro.internal.password;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.jspecify.annotations.Nullable;

/**
 * A bcrypt hash in the modular crypt form other systems store ({@code $2a$}, {@code $2b$}, {@code $2y$},
 * two-digit cost, 22 characters of salt and 31 of hash in bcrypt's base64), as OpenBSD, crypt_blowfish,
 * libxcrypt, PHP and Spring Security's {@code BCryptPasswordEncoder} write it.
 */
final class BcryptHash implements CheckableHash {

    private static final Pattern FORM = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private static final int LENGTH = 60;
    private static final int MIN_COST = 4;

    private final String encoded;
    private final int cost;

    private BcryptHash(String encoded, int cost) {
        this.encoded = encoded;
        this.cost = cost;
    }

    /**
     * Reads a bcrypt hash.
     *
     * @throws MalformedHashException when it is not one, or its cost is outside bcrypt's 4..31; the
     *                                message never contains the hash
     */
    static BcryptHash parse(String stored) throws MalformedHashException {
        Matcher form = FORM.matcher(stored);
        if (stored.length() != LENGTH || !form.matches()) {
            throw new MalformedHashException("the bcrypt hash is not $2a$, $2b$ or $2y$, a two-digit cost, '$' and"
                    + " 53 characters of bcrypt's base64");
        }
        int cost = Integer.parseInt(form.group(1));
        if (cost < MIN_COST || cost > CostLimits.BCRYPT_MAX_COST) {
            throw new MalformedHashException("the bcrypt cost " + cost + " is outside " + MIN_COST + ".."
                    + CostLimits.BCRYPT_MAX_COST);
        }
        return new BcryptHash(stored, cost);
    }

    @Override
    public boolean matches(byte[] password) throws MalformedHashException {
        try {
            // Bouncy Castle compares in constant time; like every bcrypt, it reads at most the first 72
            // bytes of the password.
            return OpenBSDBCrypt.checkPassword(encoded, password);
        } catch (IllegalArgumentException | DataLengthException e) {
            // Its messages may quote part of the hash: only the type is kept.
            throw new MalformedHashException("Bouncy Castle refused the bcrypt hash (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    @Override
    public @Nullable String exceeds(CostLimits limits) {
        return cost > limits.maxBcryptCost()
                ? "the bcrypt cost " + cost + " is above the " + limits.maxBcryptCost() + " allowed"
                : null;
    }

    @Override
    public boolean isArgon2() {
        return false;
    }

    /** The cost only: the salt and the hash stay out of every log line. */
    @Override
    public String toString() {
        return "BcryptHash{" + encoded.substring(0, 3) + " cost " + cost + '}';
    }
}
