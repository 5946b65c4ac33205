package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.EveryError;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The exclusive use of one {@link Lane}, from its pool until {@link #release()}. A lease always has one owner
 * that gives it back: the {@link Execution} of an auto-commit statement, or the transaction of a connection.
 */
final class Lease {

    private final LanePool pool;
    private final Lane lane;
    private final long since = System.nanoTime();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile Supplier<String> holder;

    /**
     * @param holder    what holds the lane, for the message of a statement that times out waiting for it (made only
     *                  then, not at each lease)
     */
    Lease(LanePool pool, Lane lane, Supplier<String> holder) {
        this.pool = pool;
        this.lane = lane;
        this.holder = holder;
        lane.leased(this);
    }

    Lane lane() {
        return lane;
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
        return EveryError.fromCallable(() -> {
            releaseNow();
            return null;
        });
    }

    /**
     * Gives the lane back to its pool now, once: the first call waiting for a lane of the pool gets it on this
     * thread. For a statement that gives its lane back at the end of its task, on the lane's thread.
     */
    void releaseNow() {
        if (released.compareAndSet(false, true)) {
            lane.returned(this);
            pool.release(lane);
        }
    }

    @Override
    public String toString() {
        return "Lease{" + lane().name() + (released.get() ? ", released" : "") + "}";
    }
}
