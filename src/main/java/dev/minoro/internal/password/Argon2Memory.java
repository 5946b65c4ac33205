package dev.minoro.internal.password;

import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The Argon2 memory of one hashing thread, kept from one hash to the next: Bouncy Castle's generator takes its
 * 1 KiB blocks from here and gives them back when the hash ends, each cleared first, so that a hash at the
 * configured cost allocates no memory after its thread's first. Without it each hash allocates its
 * {@code memoryKiB} anew (19 MiB by default): garbage that every young collection copies while a hash is under
 * way and that piles up in the old generation, so that the heap grew well past the hashes running.
 *
 * <p>It keeps at most the configured memory cost and the generator's {@link #WORKING_BLOCKS}: a costlier imported
 * hash takes the rest from the heap for itself alone. Used only by the thread it belongs to (see
 * {@link #ofCurrentThread()}), so it takes no lock; its memory goes with the thread, when the scheduler is closed.
 */
final class Argon2Memory implements Argon2BytesGenerator.BlockPool {

    /** The blocks Bouncy Castle's generator takes besides the memory itself, as its working space. */
    static final int WORKING_BLOCKS = 4;

    private final Argon2BytesGenerator.Block[] kept;
    private final AtomicLong made;
    private int count;

    /**
     * Keeps the blocks of one hash of {@code memoryKiB}; each block it makes is counted in {@code made}, which the
     * scheduler's threads share.
     */
    Argon2Memory(int memoryKiB, AtomicLong made) {
        this.kept = new Argon2BytesGenerator.Block[memoryKiB + WORKING_BLOCKS];
        this.made = made;
    }

    /** The memory of the hashing thread running now; null on any other thread (then each hash allocates its own). */
    static @Nullable Argon2Memory ofCurrentThread() {
        return Thread.currentThread() instanceof HashingScheduler.HashingThread thread ? thread.memory() : null;
    }

    @Override
    public Argon2BytesGenerator.Block allocate() {
        if (count > 0) {
            Argon2BytesGenerator.Block block = kept[--count];
            kept[count] = null;
            return block;
        }
        made.incrementAndGet();
        return new Argon2BytesGenerator.Block();
    }

    /** Takes back a block that the generator has cleared; beyond the capacity it is left to the collector. */
    @Override
    public void deallocate(Argon2BytesGenerator.Block block) {
        if (count < kept.length) {
            kept[count++] = block;
        }
    }
}
