package dev.minoro.sqlite;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.pool.PooledRef;

/**
 * The exclusive use of one {@link Lane}, from its pool until {@link #release()}. A lease always has one owner
 * that gives it back: the {@link Execution} of an auto-commit statement, or the transaction of a connection.
 */
final class Lease {

    private final PooledRef<Lane> ref;
    private final Consumer<Lease> onRelease;
    private final long since = System.nanoTime();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile String holder;

    /**
     * @param holder    what holds the lane, for the message of a statement that times out waiting for it
     * @param onRelease told once, when the lease goes back
     */
    Lease(PooledRef<Lane> ref, String holder, Consumer<Lease> onRelease) {
        this.ref = ref;
        this.holder = holder;
        this.onRelease = onRelease;
    }

    Lane lane() {
        return ref.poolable();
    }

    /** Says what holds the lane now, such as the unread rows of a query once its statement is done. */
    void heldBy(String holder) {
        this.holder = holder;
    }

    /** What holds the lane and for how long: {@code a transaction (BEGIN IMMEDIATE) for 1520 ms}. */
    String describe() {
        return holder + " for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) + " ms";
    }

    /** A cold Mono that gives the lane back to its pool, once: later subscriptions complete at once. */
    Mono<Void> release() {
        return Mono.defer(() -> {
            if (!released.compareAndSet(false, true)) {
                return Mono.empty();
            }
            onRelease.accept(this);
            return ref.release().onErrorResume(e -> Mono.empty());
        });
    }

    @Override
    public String toString() {
        return "Lease{" + lane().name() + (released.get() ? ", released" : "") + "}";
    }
}
