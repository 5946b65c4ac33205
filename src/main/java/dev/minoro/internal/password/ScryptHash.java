package dev.minoro.internal.password;

import dev.minoro.sqlite.internal.AsciiDigits;
import java.security.MessageDigest;
import org.bouncycastle.crypto.generators.SCrypt;
import org.jspecify.annotations.Nullable;

/**
 * An scrypt hash (RFC 7914) in one of the forms other systems store it:
 * <ul>
 *   <li>the PHC string {@code $scrypt$ln=<log2 N>,r=<block size>,p=<parallelism>$<salt>$<hash>}, salt and
 *       hash in base64 without padding (passlib's {@code .} for {@code +} reads the same);</li>
 *   <li>Spring Security's {@code SCryptPasswordEncoder} value after {@code {scrypt}}:
 *       {@code $<hex of log2 N << 16 | r << 8 | p>$<salt>$<hash>}, salt and hash in padded base64.</li>
 * </ul>
 *
 * <p>Its memory is 128 * r * N bytes; each of the p lanes fills it once and reads it once, so its work
 * counts as two passes over that memory per lane when held to {@link CostLimits}.
 */
final class ScryptHash implements CheckableHash {

    static final int MAX_LOG2_N = 31;
    static final int MAX_BLOCK_SIZE = 255;
    static final int MAX_PARALLELISM = 255;
    static final int MAX_SALT_BYTES = 1024;
    static final int MAX_HASH_BYTES = 1024;

    private final String format;
    private final int log2N;
    private final int blockSize;
    private final int parallelism;
    private final byte[] salt;
    private final byte[] hash;

    private ScryptHash(String format, int log2N, int blockSize, int parallelism, byte[] salt, byte[] hash) {
        this.format = format;
        this.log2N = log2N;
        this.blockSize = blockSize;
        this.parallelism = parallelism;
        this.salt = salt;
        this.hash = hash;
    }

    /**
     * Reads a PHC scrypt string.
     *
     * @throws MalformedHashException when it is not one or a parameter is out of bounds; the message never
     *                                contains the string
     */
    static ScryptHash phc(String phc) throws MalformedHashException {
        String[] fields = phc.split("\\$", -1);
        if (fields.length != 5 || !fields[0].isEmpty() || !fields[1].equals("scrypt")) {
            throw new MalformedHashException("an scrypt PHC string has the form $scrypt$ln=<log2 N>,r=<block size>"
                    + ",p=<parallelism>$<salt>$<hash>, this one has " + (fields.length - 1) + " '$'-separated fields");
        }
        String[] parameters = fields[2].split(",", -1);
        if (parameters.length != 3 || !parameters[0].startsWith("ln=") || !parameters[1].startsWith("r=")
                || !parameters[2].startsWith("p=")) {
            throw new MalformedHashException("the scrypt parameters are not ln=<log2 N>,r=<block size>,"
                    + "p=<parallelism>");
        }
        return checked("scrypt PHC", HashFields.decimal(parameters[0].substring(3), "scrypt ln"),
                HashFields.decimal(parameters[1].substring(2), "scrypt r"),
                HashFields.decimal(parameters[2].substring(2), "scrypt p"),
                HashFields.phcOrPasslibBase64(fields[3], "scrypt salt"),
                HashFields.phcOrPasslibBase64(fields[4], "scrypt hash"));
    }

    /**
     * Reads what Spring Security's {@code SCryptPasswordEncoder} wrote after {@code {scrypt}}.
     *
     * @throws MalformedHashException when it is not such a value or a parameter is out of bounds; the
     *                                message never contains the value
     */
    static ScryptHash spring(String encoded) throws MalformedHashException {
        String[] fields = encoded.split("\\$", -1);
        if (fields.length != 4 || !fields[0].isEmpty()) {
            throw new MalformedHashException("a Spring Security {scrypt} value has the form $<parameters in hex>"
                    + "$<salt>$<hash>, this one has " + (fields.length - 1) + " '$'-separated fields");
        }
        String hexParameters = fields[1];
        if (hexParameters.length() > 8 || !AsciiDigits.isHex(hexParameters)) {
            throw new MalformedHashException("the Spring Security {scrypt} parameters are not at most 8 hexadecimal"
                    + " digits");
        }
        long parameters = Long.parseLong(hexParameters, 16);
        return checked("Spring Security {scrypt}", parameters >> 16, (parameters >> 8) & 0xff, parameters & 0xff,
                HashFields.paddedBase64(fields[2], "Spring Security {scrypt} salt"),
                HashFields.paddedBase64(fields[3], "Spring Security {scrypt} hash"));
    }

    private static ScryptHash checked(String format, long log2N, long blockSize, long parallelism, byte[] salt,
            byte[] hash) throws MalformedHashException {
        HashFields.within(blockSize, 1, MAX_BLOCK_SIZE, format + " block size r");
        HashFields.within(parallelism, 1, MAX_PARALLELISM, format + " parallelism p");
        // RFC 7914: N > 1 and N < 2^(128 * r / 8).
        HashFields.within(log2N, 1, Math.min(MAX_LOG2_N, 16 * blockSize - 1), format + " log2 N (ln)");
        HashFields.lengthWithin(salt, 1, MAX_SALT_BYTES, format + " salt");
        HashFields.lengthWithin(hash, 1, MAX_HASH_BYTES, format + " hash");
        ScryptHash parsed = new ScryptHash(format, (int) log2N, (int) blockSize, (int) parallelism, salt, hash);
        if (parsed.memoryKiB() > Argon2Hash.MAX_MEMORY_KIB) {
            throw new MalformedHashException("the " + format + " memory 128*r*N is " + parsed.memoryKiB()
                    + " KiB, above " + Argon2Hash.MAX_MEMORY_KIB + " KiB");
        }
        return parsed;
    }

    /** 128 * r * N bytes, in KiB. */
    private long memoryKiB() {
        return ((long) blockSize << log2N) / 8;
    }

    @Override
    public boolean matches(byte[] password) throws MalformedHashException {
        byte[] actual;
        try {
            actual = SCrypt.generate(password, salt, 1 << log2N, blockSize, parallelism, hash.length);
        } catch (IllegalArgumentException e) {
            // Its messages may quote parameters only, but are kept out all the same, as for bcrypt.
            throw new MalformedHashException("Bouncy Castle refused the scrypt parameters ("
                    + e.getClass().getSimpleName() + ")");
        }
        return MessageDigest.isEqual(actual, hash);
    }

    @Override
    public @Nullable String exceeds(CostLimits limits) {
        long memory = memoryKiB();
        return limits.memoryOrWorkAbove("scrypt memory 128*r*N=", memory, "scrypt work 2*p*128*r*N=",
                2 * memory * parallelism);
    }

    @Override
    public boolean isArgon2() {
        return false;
    }

    /** The parameters only: the salt and the hash stay out of every log line. */
    @Override
    public String toString() {
        return "ScryptHash{" + format + " ln=" + log2N + ",r=" + blockSize + ",p=" + parallelism + ", salt "
                + salt.length + " bytes, hash " + hash.length + " bytes}";
    }
}
