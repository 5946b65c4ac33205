package dev.minoro.internal.password;

import dev.minoro.sqlite.internal.AsciiDigits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;
import org.jspecify.annotations.Nullable;

/**
 * A PBKDF2 hash (RFC 8018) in one of the forms other systems store it:
 * <ul>
 *   <li>PHC strings {@code $pbkdf2-sha256$i=<iterations>[,l=<length>]$<salt>$<hash>}, also
 *       {@code $pbkdf2-sha512$} and {@code $pbkdf2$} (HMAC-SHA1), salt and hash in base64 without padding;
 *       passlib's form, with the iterations bare ({@code $pbkdf2-sha256$29000$...}) and {@code .} for
 *       {@code +} in its base64, reads the same;</li>
 *   <li>Django's {@code pbkdf2_sha256$<iterations>$<salt>$<hash>} and {@code pbkdf2_sha1$...}, whose salt
 *       is the text itself (its UTF-8 bytes) and whose hash is base64 with padding;</li>
 *   <li>Spring Security's {@code Pbkdf2PasswordEncoder} value after {@code {pbkdf2}} (its
 *       {@code defaultsForSpringSecurity_v5_5}: HMAC-SHA1, 185000 iterations, an 8-byte salt) or after
 *       {@code {pbkdf2@SpringSecurity_v5_8}} (HMAC-SHA256, 310000 iterations, a 16-byte salt): salt then
 *       32-byte hash, in hexadecimal or in base64, with no parameters written, so those defaults are
 *       assumed and the length must match them.</li>
 * </ul>
 */
final class Pbkdf2Hash implements CheckableHash {

    static final int MAX_SALT_BYTES = 1024;
    static final int MAX_HASH_BYTES = 1024;
    /** The most iterations a PBKDF2 string may state; {@link CostLimits} sets the real limit, far lower. */
    static final long MAX_ITERATIONS = Integer.MAX_VALUE;

    /** The pseudo-random functions: HMAC with SHA-1, SHA-256 or SHA-512. */
    enum Prf {
        HMAC_SHA1("HMAC-SHA1", 20, 1_300_000),
        HMAC_SHA256("HMAC-SHA256", 32, 600_000),
        HMAC_SHA512("HMAC-SHA512", 64, 210_000);

        final String name;
        final int outputBytes;
        /**
         * OWASP's recommended iterations for this function, which it rates as costing about what one
         * Argon2id hash with its parameters (m=19456 KiB, t=2, p=1) costs.
         */
        final long owaspIterations;

        Prf(String name, int outputBytes, long owaspIterations) {
            this.name = name;
            this.outputBytes = outputBytes;
            this.owaspIterations = owaspIterations;
        }

        Digest digest() {
            switch (this) {
                case HMAC_SHA1:
                    return new SHA1Digest();
                case HMAC_SHA256:
                    return new SHA256Digest();
                default:
                    return new SHA512Digest();
            }
        }
    }

    /** The function each PHC identifier stands for. */
    private static final Map<String, Prf> PHC_IDENTIFIERS = Map.of("pbkdf2", Prf.HMAC_SHA1,
            "pbkdf2-sha256", Prf.HMAC_SHA256, "pbkdf2-sha512", Prf.HMAC_SHA512);

    /** The function each Django algorithm name stands for. */
    private static final Map<String, Prf> DJANGO_ALGORITHMS = Map.of("pbkdf2_sha256", Prf.HMAC_SHA256,
            "pbkdf2_sha1", Prf.HMAC_SHA1);

    /** Spring Security's {@code Pbkdf2PasswordEncoder} defaults, which its stored values do not repeat. */
    enum SpringDefaults {
        V5_5("{pbkdf2}", Prf.HMAC_SHA1, 185_000, 8),
        V5_8("{pbkdf2@SpringSecurity_v5_8}", Prf.HMAC_SHA256, 310_000, 16);

        final String prefix;
        final Prf prf;
        final int iterations;
        final int saltBytes;

        SpringDefaults(String prefix, Prf prf, int iterations, int saltBytes) {
            this.prefix = prefix;
            this.prf = prf;
            this.iterations = iterations;
            this.saltBytes = saltBytes;
        }
    }

    private static final int SPRING_HASH_BYTES = 32;

    private final String format;
    private final Prf prf;
    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private Pbkdf2Hash(String format, Prf prf, long iterations, byte[] salt, byte[] hash) {
        this.format = format;
        this.prf = prf;
        this.iterations = (int) iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /**
     * Reads a PHC (or passlib) PBKDF2 string: {@code $pbkdf2-sha256$}, {@code $pbkdf2-sha512$} or
     * {@code $pbkdf2$} (HMAC-SHA1).
     *
     * @throws MalformedHashException when it is not one or a parameter is out of bounds; the message never
     *                                contains the string
     */
    static Pbkdf2Hash phc(String phc) throws MalformedHashException {
        String[] fields = phc.split("\\$", -1);
        if (fields.length != 5 || !fields[0].isEmpty()) {
            throw new MalformedHashException("a PBKDF2 PHC string has the form $pbkdf2-<digest>$i=<iterations>"
                    + "[,l=<length>]$<salt>$<hash>, this one has " + (fields.length - 1) + " '$'-separated fields");
        }
        Prf prf = PHC_IDENTIFIERS.get(fields[1]);
        if (prf == null) {
            throw new MalformedHashException("the PBKDF2 PHC identifier is not pbkdf2-sha256, pbkdf2-sha512 or"
                    + " pbkdf2 (HMAC-SHA1)");
        }
        String format = "PBKDF2-" + prf.name + " PHC";
        long iterations;
        long length = -1;
        String parameters = fields[2];
        if (!parameters.isEmpty() && parameters.charAt(0) >= '0' && parameters.charAt(0) <= '9') {
            iterations = HashFields.decimal(parameters, "PBKDF2 iterations");
        } else {
            String[] named = parameters.split(",", -1);
            if (named.length > 2 || !named[0].startsWith("i=") || named.length == 2 && !named[1].startsWith("l=")) {
                throw new MalformedHashException("the PBKDF2 parameters are not i=<iterations>[,l=<length>]");
            }
            iterations = HashFields.decimal(named[0].substring(2), "PBKDF2 iterations i");
            if (named.length == 2) {
                length = HashFields.decimal(named[1].substring(2), "PBKDF2 length l");
            }
        }
        byte[] salt = HashFields.phcOrPasslibBase64(fields[3], "PBKDF2 salt");
        byte[] hash = HashFields.phcOrPasslibBase64(fields[4], "PBKDF2 hash");
        if (length != -1 && length != hash.length) {
            throw new MalformedHashException("the PBKDF2 length l=" + length + " is not the hash's " + hash.length
                    + " bytes");
        }
        return checked(format, prf, iterations, salt, hash);
    }

    /**
     * Reads Django's {@code pbkdf2_sha256$<iterations>$<salt>$<hash>} or {@code pbkdf2_sha1$...}.
     *
     * @throws MalformedHashException when it is not one or a parameter is out of bounds; the message never
     *                                contains the string
     */
    static Pbkdf2Hash django(String encoded) throws MalformedHashException {
        String[] fields = encoded.split("\\$", -1);
        if (fields.length != 4) {
            throw new MalformedHashException("a Django PBKDF2 hash has the form pbkdf2_sha256$<iterations>$<salt>"
                    + "$<hash>, this one has " + fields.length + " '$'-separated fields");
        }
        Prf prf = DJANGO_ALGORITHMS.get(fields[0]);
        if (prf == null) {
            throw new MalformedHashException("the Django PBKDF2 algorithm is not pbkdf2_sha256 or pbkdf2_sha1");
        }
        long iterations = HashFields.decimal(fields[1], "Django PBKDF2 iterations");
        String saltText = fields[2];
        for (int i = 0; i < saltText.length(); i++) {
            char c = saltText.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new MalformedHashException("the Django PBKDF2 salt is not printable ASCII");
            }
        }
        byte[] salt = saltText.getBytes(StandardCharsets.US_ASCII);
        byte[] hash = HashFields.paddedBase64(fields[3], "Django PBKDF2 hash");
        return checked("Django PBKDF2-" + prf.name, prf, iterations, salt, hash);
    }

    /**
     * Reads what Spring Security's {@code Pbkdf2PasswordEncoder} wrote after {@code defaults.prefix}: the
     * salt then the 32-byte hash, in hexadecimal or in base64.
     *
     * @throws MalformedHashException when its length is not the one of those defaults; the message never
     *                                contains the value
     */
    static Pbkdf2Hash spring(String encoded, SpringDefaults defaults) throws MalformedHashException {
        int bytes = defaults.saltBytes + SPRING_HASH_BYTES;
        String what = "Spring Security " + defaults.prefix + " value";
        byte[] decoded = encoded.length() == 2 * bytes && AsciiDigits.isHex(encoded)
                ? HashFields.hex(encoded, what)
                : HashFields.paddedBase64(encoded, what + " (neither hexadecimal nor base64)");
        if (decoded.length != bytes) {
            throw new MalformedHashException("the " + what + " has " + decoded.length + " bytes, not the " + bytes
                    + " (a " + defaults.saltBytes + "-byte salt, a " + SPRING_HASH_BYTES + "-byte hash) that "
                    + defaults.prefix + " stands for");
        }
        byte[] salt = Arrays.copyOfRange(decoded, 0, defaults.saltBytes);
        byte[] hash = Arrays.copyOfRange(decoded, defaults.saltBytes, bytes);
        return checked("Spring Security " + defaults.prefix, defaults.prf, defaults.iterations, salt, hash);
    }

    private static Pbkdf2Hash checked(String format, Prf prf, long iterations, byte[] salt, byte[] hash)
            throws MalformedHashException {
        HashFields.within(iterations, 1, MAX_ITERATIONS, format + " iterations");
        HashFields.lengthWithin(salt, 1, MAX_SALT_BYTES, format + " salt");
        HashFields.lengthWithin(hash, 1, MAX_HASH_BYTES, format + " hash");
        return new Pbkdf2Hash(format, prf, iterations, salt, hash);
    }

    @Override
    public boolean matches(byte[] password) {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(prf.digest());
        generator.init(password, salt, iterations);
        byte[] actual = ((KeyParameter) generator.generateDerivedParameters(hash.length * 8)).getKey();
        return MessageDigest.isEqual(actual, hash);
    }

    /** Work counts HMAC iterations times output blocks, against OWASP's iterations for the same function. */
    @Override
    public @Nullable String exceeds(CostLimits limits) {
        long blocks = (hash.length + prf.outputBytes - 1) / prf.outputBytes;
        long work = (long) iterations * blocks;
        long allowed = limits.owaspHashes() * prf.owaspIterations;
        if (work <= allowed) {
            return null;
        }
        return "the " + format + " iterations " + iterations + (blocks > 1 ? " times " + blocks + " output blocks" : "")
                + " are above the " + allowed + " allowed for PBKDF2-" + prf.name;
    }

    @Override
    public boolean isArgon2() {
        return false;
    }

    /** The parameters only: the salt and the hash stay out of every log line. */
    @Override
    public String toString() {
        return "Pbkdf2Hash{" + format + ", " + iterations + " iterations, salt " + salt.length + " bytes, hash "
                + hash.length + " bytes}";
    }
}
