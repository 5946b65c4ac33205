package dev.minoro.sqlite;

import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.pool.PooledRef;

/** The exclusive use of one {@link Lane}, from its pool until {@link #release()}. */
final class Lease {

    private final PooledRef<Lane> ref;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(PooledRef<Lane> ref) {
        this.ref = ref;
    }

    Lane lane() {
        return ref.poolable();
    }

    /** A cold Mono that gives the lane back to its pool, once: later subscriptions complete at once. */
    Mono<Void> release() {
        return Mono.defer(() -> released.compareAndSet(false, true)
                ? ref.release().onErrorResume(e -> Mono.empty())
                : Mono.empty());
    }

    /** Gives the lane back without waiting, for paths that cannot return a publisher. */
    void releaseNow() {
        release().subscribe();
    }

    @Override
    public String toString() {
        return "Lease{" + lane().name() + (released.get() ? ", released" : "") + "}";
    }
}
