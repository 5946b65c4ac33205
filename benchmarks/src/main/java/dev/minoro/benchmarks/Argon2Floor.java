package dev.minoro.benchmarks;

import dev.minoro.MinoroConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The floor of every password benchmark: one bare Bouncy Castle Argon2id hash at Minoro's default parameters
 * (m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte hash) on the calling thread, as Minoro's hasher computes it: with the
 * calling thread's Argon2 memory kept from one hash to the next (a Bouncy Castle {@code BlockPool}), as each of
 * Minoro's hashing threads keeps its own. Without it each hash allocates 19 MiB anew, which made this floor more
 * than twice as slow as a login through Minoro on a 2-core machine (the collections of that garbage).
 */
final class Argon2Floor {

    private static final byte[] SALT = new byte[16];

    /** Each thread's blocks of 1 KiB, given back by the generator (cleared) when a hash ends. */
    private static final ThreadLocal<KeptBlocks> MEMORY = ThreadLocal.withInitial(KeptBlocks::new);

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
                .withBlockPool(MEMORY.get())
                .build());
        byte[] out = new byte[32];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    /** A stack of the blocks one thread's hashes used; used by that thread alone. */
    private static final class KeptBlocks implements Argon2BytesGenerator.BlockPool {

        private final ArrayDeque<Argon2BytesGenerator.Block> blocks = new ArrayDeque<>();

        @Override
        public Argon2BytesGenerator.Block allocate() {
            Argon2BytesGenerator.Block block = blocks.pollLast();
            return block != null ? block : new Argon2BytesGenerator.Block();
        }

        @Override
        public void deallocate(Argon2BytesGenerator.Block block) {
            blocks.addLast(block);
        }
    }
}
