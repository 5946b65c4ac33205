package dev.minoro.benchmarks;

import dev.minoro.MinoroConfig;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The floor of every password benchmark: one bare Bouncy Castle Argon2id hash at Minoro's default parameters
 * (m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte hash) on the calling thread, as Minoro's hasher computes it.
 */
final class Argon2Floor {

    private static final byte[] SALT = new byte[16];

    private Argon2Floor() {
    }

    static byte[] hash(String password) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(MinoroConfig.DEFAULT_ARGON2_MEMORY_KIB)
                .withIterations(MinoroConfig.DEFAULT_ARGON2_ITERATIONS)
                .withParallelism(MinoroConfig.DEFAULT_ARGON2_PARALLELISM)
                .withSalt(SALT)
                .build());
        byte[] out = new byte[32];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
