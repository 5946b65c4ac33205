package dev.minoro.internal.password;

import java.security.MessageDigest;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.jspecify.annotations.Nullable;

/**
 * One Argon2 hash with its parameters, and its PHC string form
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt and hash in standard base64 without
 * padding, as the reference implementation and libsodium write it).
 *
 * <p>Parsing enforces the format's outer bounds on every parameter, because a stored string is input
 * too; {@link #exceeds(CostLimits)} then holds it to the configured cost limits, so that a hostile,
 * corrupted or merely costly one cannot make the server allocate gigabytes or loop for minutes.
 */
final class Argon2Hash implements CheckableHash {

    static final int VERSION_10 = 0x10;
    static final int VERSION_13 = 0x13;

    /** 4 GiB, the most {@code MinoroConfig} allows too. */
    static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    static final int MAX_ITERATIONS = 100;
    static final int MAX_PARALLELISM = 255;
    /** The reference implementation's minimum salt; Minoro's own salts are 16 bytes. */
    static final int MIN_SALT_BYTES = 8;
    static final int MAX_SALT_BYTES = 1024;
    /** The reference implementation's minimum output; Minoro's own hashes are 32 bytes. */
    static final int MIN_HASH_BYTES = 4;
    static final int MAX_HASH_BYTES = 1024;
    /** Longer than any string within the bounds above, so that parsing never works on megabytes. */
    static final int MAX_ENCODED_LENGTH = 4096;

    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    /** The three Argon2 variants and their names in PHC strings. */
    enum Type {
        ARGON2D("argon2d", Argon2Parameters.ARGON2_d),
        ARGON2I("argon2i", Argon2Parameters.ARGON2_i),
        ARGON2ID("argon2id", Argon2Parameters.ARGON2_id);

        final String phcName;
        final int bouncyCastleType;

        Type(String phcName, int bouncyCastleType) {
            this.phcName = phcName;
            this.bouncyCastleType = bouncyCastleType;
        }

        static @Nullable Type named(String phcName) {
            for (Type type : values()) {
                if (type.phcName.equals(phcName)) {
                    return type;
                }
            }
            return null;
        }
    }

    private final Type type;
    private final int version;
    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final byte[] salt;
    private final byte[] hash;

    private Argon2Hash(Type type, int version, int memoryKiB, int iterations, int parallelism, byte[] salt,
            byte[] hash) {
        this.type = type;
        this.version = version;
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.salt = salt;
        this.hash = hash;
    }

    /** Hashes {@code password} (already normalised and encoded) with Argon2id v1.3. Blocking: tens of ms. */
    static Argon2Hash argon2id(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] password,
            int hashLength) {
        byte[] hash = derive(Type.ARGON2ID, VERSION_13, memoryKiB, iterations, parallelism, salt, null, null,
                password, hashLength);
        return new Argon2Hash(Type.ARGON2ID, VERSION_13, memoryKiB, iterations, parallelism, salt.clone(), hash);
    }

    /**
     * The raw Argon2 function. Minoro passes no secret and no associated data; they are here because
     * RFC 9106's test vectors use both, and the vectors are what proves this function right.
     */
    static byte[] derive(Type type, int version, int memoryKiB, int iterations, int parallelism, byte[] salt,
            byte @Nullable [] secret, byte @Nullable [] additional, byte[] password, int hashLength) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(type.bouncyCastleType)
                .withVersion(version)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret);
        }
        if (additional != null) {
            builder.withAdditional(additional);
        }
        Argon2Memory memory = Argon2Memory.ofCurrentThread();
        if (memory != null) {
            builder.withBlockPool(memory);
        }
        Argon2Parameters parameters = builder.build();
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(parameters);
            byte[] out = new byte[hashLength];
            // The generator clears its working memory (memoryKiB of blocks) before it returns, and gives it back to
            // the hashing thread's memory, if any, for the thread's next hash.
            generator.generateBytes(password, out);
            return out;
        } finally {
            parameters.clear();
        }
    }

    /**
     * Reads a PHC string: {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}, or without {@code v=} for
     * the old version 1.0 ({@code v=16}), with type argon2id, argon2i or argon2d.
     *
     * @throws MalformedHashException when it is not such a string or a parameter is out of bounds; the
     *                                message never contains the string
     */
    static Argon2Hash parse(String phc) throws MalformedHashException {
        if (phc.length() > MAX_ENCODED_LENGTH) {
            throw new MalformedHashException("the Argon2 string is longer than " + MAX_ENCODED_LENGTH + " characters");
        }
        String[] fields = phc.split("\\$", -1);
        if (fields.length != 5 && fields.length != 6 || !fields[0].isEmpty()) {
            throw new MalformedHashException("an Argon2 PHC string has the form $<type>[$v=<version>]$m=<memory>"
                    + ",t=<iterations>,p=<parallelism>$<salt>$<hash>, this one has " + (fields.length - 1)
                    + " '$'-separated fields");
        }
        Type type = Type.named(fields[1]);
        if (type == null) {
            throw new MalformedHashException("the Argon2 type is not argon2id, argon2i or argon2d");
        }
        int next = 2;
        int version = VERSION_10;
        if (fields.length == 6) {
            if (!fields[2].startsWith("v=")) {
                throw new MalformedHashException("the field after the Argon2 type is not v=<version>");
            }
            long v = HashFields.decimal(fields[2].substring(2), "Argon2 version v");
            if (v != VERSION_10 && v != VERSION_13) {
                throw new MalformedHashException("the Argon2 version v=" + v + " is not 16 or 19");
            }
            version = (int) v;
            next = 3;
        }
        String[] parameters = fields[next].split(",", -1);
        if (parameters.length != 3 || !parameters[0].startsWith("m=") || !parameters[1].startsWith("t=")
                || !parameters[2].startsWith("p=")) {
            throw new MalformedHashException("the Argon2 parameters are not m=<memory>,t=<iterations>,p=<parallelism>");
        }
        long parallelism = HashFields.decimal(parameters[2].substring(2), "Argon2 parallelism p");
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new MalformedHashException("the Argon2 parallelism p=" + parallelism + " is outside 1.."
                    + MAX_PARALLELISM);
        }
        long iterations = HashFields.decimal(parameters[1].substring(2), "Argon2 iterations t");
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new MalformedHashException("the Argon2 iterations t=" + iterations + " are outside 1.."
                    + MAX_ITERATIONS);
        }
        long memoryKiB = HashFields.decimal(parameters[0].substring(2), "Argon2 memory m");
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new MalformedHashException("the Argon2 memory m=" + memoryKiB + " KiB is outside 8*p ("
                    + 8 * parallelism + ").." + MAX_MEMORY_KIB + " KiB");
        }
        byte[] salt = HashFields.base64(fields[next + 1], "Argon2 salt");
        if (salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) {
            throw new MalformedHashException("the Argon2 salt has " + salt.length + " bytes, outside "
                    + MIN_SALT_BYTES + ".." + MAX_SALT_BYTES);
        }
        byte[] hash = HashFields.base64(fields[next + 2], "Argon2 hash");
        if (hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
            throw new MalformedHashException("the Argon2 hash has " + hash.length + " bytes, outside "
                    + MIN_HASH_BYTES + ".." + MAX_HASH_BYTES);
        }
        return new Argon2Hash(type, version, (int) memoryKiB, (int) iterations, (int) parallelism, salt, hash);
    }

    /** This hash as a PHC string. */
    String encode() {
        return "$" + type.phcName + "$v=" + version + "$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism
                + "$" + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(hash);
    }

    /**
     * Whether {@code password} (encoded as its {@link PasswordForm} says) hashes to this hash with this
     * hash's own parameters, compared in constant time. Blocking: as long as making the hash took.
     */
    @Override
    public boolean matches(byte[] password) {
        byte[] actual = derive(type, version, memoryKiB, iterations, parallelism, salt, null, null, password,
                hash.length);
        return MessageDigest.isEqual(actual, hash);
    }

    @Override
    public @Nullable String exceeds(CostLimits limits) {
        String above = limits.memoryOrWorkAbove("Argon2 memory m=", memoryKiB, "Argon2 work m*t=",
                (long) memoryKiB * iterations);
        if (above != null) {
            return above;
        }
        if (parallelism > limits.maxLanes()) {
            return "the Argon2 lanes p=" + parallelism + " are above the " + limits.maxLanes() + " allowed";
        }
        return null;
    }

    @Override
    public boolean isArgon2() {
        return true;
    }

    /** Whether this is the kind of hash Minoro makes: Argon2id, version 1.3. */
    boolean isMinorosKind() {
        return type == Type.ARGON2ID && version == VERSION_13;
    }

    /**
     * Whether this is what Minoro would write today with the given parameters, or something stronger:
     * Argon2id v1.3, each cost at least the given one, a salt of at least 16 bytes, a hash of at least 32.
     */
    boolean isAtLeast(int memoryKiB, int iterations, int parallelism) {
        return type == Type.ARGON2ID && version == VERSION_13 && this.memoryKiB >= memoryKiB
                && this.iterations >= iterations && this.parallelism >= parallelism && salt.length >= 16
                && hash.length >= 32;
    }

    Type type() {
        return type;
    }

    int version() {
        return version;
    }

    int memoryKiB() {
        return memoryKiB;
    }

    int iterations() {
        return iterations;
    }

    int parallelism() {
        return parallelism;
    }

    int saltLength() {
        return salt.length;
    }

    int hashLength() {
        return hash.length;
    }

    /** The parameters only: the salt and the hash stay out of every log line. */
    @Override
    public String toString() {
        return "Argon2Hash{" + type.phcName + " v=" + version + " m=" + memoryKiB + ",t=" + iterations + ",p="
                + parallelism + ", salt " + salt.length + " bytes, hash " + hash.length + " bytes}";
    }
}
