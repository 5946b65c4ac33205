package dev.minoro.internal.password;

import dev.minoro.MinoroConfig;
import org.jspecify.annotations.Nullable;

/**
 * How costly a stored hash Minoro agrees to check: {@code importedHashCostFactor} times one hash with the
 * configured Argon2id parameters, or with OWASP's where those are cheaper (so that a cheap configuration
 * still takes ordinary imports). A hash made by another system with a huge memory or time cost would
 * otherwise hold a hashing thread for minutes or exhaust the heap at every login.
 *
 * <p>Argon2's memory is m KiB and its work m * t KiB passes (lanes share the memory and, in Bouncy
 * Castle, run one after the other). bcrypt's cost is a power of two; cost 10 takes about as long as one
 * Argon2id hash with OWASP's parameters, and each step doubles it. PBKDF2 is held to OWASP's iterations for
 * its function (600000 for HMAC-SHA256, 210000 for HMAC-SHA512, 1300000 for HMAC-SHA1) per OWASP Argon2id
 * hash allowed, and scrypt to Argon2's memory and work limits (see {@link ScryptHash}).
 *
 * @param factor        the configured {@code importedHashCostFactor}
 * @param maxMemoryKiB  the most Argon2 memory, in KiB
 * @param maxWorkKiB    the most Argon2 memory times iterations, in KiB
 * @param maxLanes      the most Argon2 lanes (parallelism)
 * @param maxBcryptCost the highest bcrypt cost
 * @param owaspHashes   how many Argon2id hashes with OWASP's parameters the costliest hash allowed takes as long
 *                      as (PBKDF2's limit: that many times OWASP's iterations for its function)
 */
record CostLimits(int factor, long maxMemoryKiB, long maxWorkKiB, int maxLanes, int maxBcryptCost, long owaspHashes) {

    static final int OWASP_MEMORY_KIB = MinoroConfig.DEFAULT_ARGON2_MEMORY_KIB;
    static final int OWASP_ITERATIONS = MinoroConfig.DEFAULT_ARGON2_ITERATIONS;
    /** The bcrypt cost that takes about as long as one Argon2id hash with OWASP's parameters. */
    static final int BCRYPT_COST_OF_ONE_OWASP_HASH = 10;
    /** bcrypt's own highest cost. */
    static final int BCRYPT_MAX_COST = 31;

    /** The limits {@code config} sets. */
    static CostLimits of(MinoroConfig config) {
        long owaspWork = (long) OWASP_MEMORY_KIB * OWASP_ITERATIONS;
        long memory = Math.max(config.argon2MemoryKiB(), OWASP_MEMORY_KIB);
        long work = Math.max((long) config.argon2MemoryKiB() * config.argon2Iterations(), owaspWork);
        int factor = config.importedHashCostFactor();
        // floor(log2(factor * work / owaspWork)): how many doublings of one OWASP hash the limit allows.
        long owaspHashes = factor * work / owaspWork;
        int doublings = 63 - Long.numberOfLeadingZeros(owaspHashes);
        return new CostLimits(factor, factor * memory, factor * work,
                (int) Math.min(255L, (long) factor * config.argon2Parallelism()),
                Math.min(BCRYPT_MAX_COST, BCRYPT_COST_OF_ONE_OWASP_HASH + doublings), owaspHashes);
    }

    /**
     * Which of the memory and work limits a memory-hard hash is above, memory first, or null when neither: such as
     * "the Argon2 memory m=8388608 KiB is above the 4194304 KiB allowed".
     *
     * @param memory    what the hash's memory is called, with its formula: {@code Argon2 memory m=}
     * @param memoryKiB the hash's memory, in KiB
     * @param work      what its work is called, with its formula: {@code Argon2 work m*t=}
     * @param workKiB   its work, in KiB passes
     */
    @Nullable String memoryOrWorkAbove(String memory, long memoryKiB, String work, long workKiB) {
        if (memoryKiB > maxMemoryKiB) {
            return "the " + memory + memoryKiB + " KiB is above the " + maxMemoryKiB + " KiB allowed";
        }
        if (workKiB > maxWorkKiB) {
            return "the " + work + workKiB + " KiB is above the " + maxWorkKiB + " KiB allowed";
        }
        return null;
    }

    /** {@code reason} (from {@link CheckableHash#exceeds}) with what the limit is and how to raise it. */
    String explain(String reason) {
        return reason + " (importedHashCostFactor " + factor + " times the cost of one hash with the configured"
                + " Argon2id parameters, or OWASP's where those are cheaper; raise importedHashCostFactor in"
                + " MinoroConfig to accept it, with heap for hashingThreads such hashes at once)";
    }
}
