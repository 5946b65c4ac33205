package dev.minoro.sqlite;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long one call (a statement, a transaction's BEGIN or COMMIT, opening a lane) may wait for locks, and how
 * long it has waited: for a lane of its factory (behind other statements and transactions), then for SQLite's
 * lock (held by other connections or processes). All of it draws on one budget, the call's busy timeout, so a
 * call never waits longer than that in total, however many others queue before it.
 *
 * <p>The lane part is counted by {@link Lanes} when the lease arrives; the lock part by {@link #pause}, which the
 * lane's busy handler calls for SQLite and the driver calls itself where SQLite refuses a lock without calling
 * its busy handler, on the lane's thread, one task at a time.
 */
final class LockWait {

    /** SQLite's own busy handler's delays between attempts (sqliteDefaultBusyCallback), in milliseconds. */
    private static final int[] DELAYS = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};

    private final Duration limit;
    private final long limitNanos;
    private volatile long laneNanos;
    private volatile long lockNanos;

    LockWait(Duration limit) {
        this.limit = limit;
        this.limitNanos = limit.toNanos();
    }

    /** The busy timeout this call was given. */
    Duration limit() {
        return limit;
    }

    /** What is left of the budget, in nanoseconds; 0 or less when it is spent. */
    long remainingNanos() {
        return limitNanos - laneNanos - lockNanos;
    }

    /** Whether the call has waited less than its busy timeout. */
    boolean hasTimeLeft() {
        return remainingNanos() > 0;
    }

    /** Marks the start of a wait for a lane; hand the mark to {@link #waitedForLane} when the wait ends. */
    long startLaneWait() {
        return System.nanoTime() - lockNanos;
    }

    /**
     * Counts the time since {@code mark} as waited for a lane, opening it included, except what an opening spent
     * waiting for SQLite's lock, which {@link #pause} counted already.
     */
    void waitedForLane(long mark) {
        laneNanos += Math.max(0, System.nanoTime() - lockNanos - mark);
    }

    /** The time waited so far, for lane and lock, in milliseconds. */
    long waitedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(laneNanos + lockNanos);
    }

    /**
     * Waits before attempt {@code attempt + 1} at a lock, on the calling (lane) thread, as SQLite's busy handler does;
     * false, at once, when the budget is spent or {@code stop} is set, or when the thread is interrupted.
     */
    boolean pause(int attempt, StopSignal stop) {
        long remaining = remainingNanos();
        if (remaining <= 0 || stop.stopped()) {
            return false;
        }
        long delay = Math.min(TimeUnit.MILLISECONDS.toNanos(DELAYS[Math.min(attempt, DELAYS.length - 1)]), remaining);
        long start = System.nanoTime();
        try {
            TimeUnit.NANOSECONDS.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lockNanos += System.nanoTime() - start;
        }
    }

    /**
     * What the call waited, for messages: {@code waited 312 ms (12 ms for the writer lane, 300 ms for the lock);
     * busy timeout 300 ms}.
     */
    String describe(String laneName) {
        long lane = TimeUnit.NANOSECONDS.toMillis(laneNanos);
        long lock = TimeUnit.NANOSECONDS.toMillis(lockNanos);
        return "waited " + waitedMillis() + " ms (" + lane + " ms for the " + laneName + " lane, " + lock
                + " ms for the lock); busy timeout " + limit.toMillis() + " ms";
    }

    /** Whether the work that waits has been given up (its subscriber cancelled, or the factory is closing). */
    @FunctionalInterface
    interface StopSignal {

        StopSignal NEVER = () -> false;

        boolean stopped();
    }
}
