package dev.minoro.sqlite;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.pool.PooledRef;

/**
 * The exclusive use of one {@link Lane}, from its pool until {@link #release()}. A lease always has one owner
 * that gives it back: the {@link Execution} of an auto-commit statement, or the transaction of a connection.
 */
final class Lease {

    private final PooledRef<Lane> ref;
    private final long since = System.nanoTime();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile Supplier<String> holder;

    /**
     * @param holder    what holds the lane, for the message of a statement that times out waiting for it (made only
     *                  then, not at each lease)
     */
    Lease(PooledRef<Lane> ref, Supplier<String> holder) {
        this.ref = ref;
        this.holder = holder;
        ref.poolable().leased(this);
    }

    Lane lane() {
        return ref.poolable();
    }

    /** Says what holds the lane now, such as the unread rows of a query once its statement is done. */
    void heldBy(Supplier<String> holder) {
        this.holder = holder;
    }

    /** What holds the lane and for how long: {@code a transaction (BEGIN IMMEDIATE) for 1520 ms}. */
    String describe() {
        return holder.get() + " for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) + " ms";
    }

    /** A cold Mono that gives the lane back to its pool, once: later subscriptions complete at once. */
    Mono<Void> release() {
        return Mono.defer(() -> {
            if (!released.compareAndSet(false, true)) {
                return Mono.empty();
            }
            lane().returned(this);
            return ref.release().onErrorResume(e -> Mono.empty());
        });
    }

    @Override
    public String toString() {
        return "Lease{" + lane().name() + (released.get() ? ", released" : "") + "}";
    }
}
