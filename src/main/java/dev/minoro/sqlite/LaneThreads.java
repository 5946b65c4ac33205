package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.SharedThreads;
import reactor.core.scheduler.Scheduler;

/**
 * The threads the lanes of every factory in this class loader run on, unless the factory was given a scheduler:
 * one Reactor bounded-elastic scheduler, made when the first lane opens and never disposed.
 *
 * <p>Each lane takes a worker of its own, so its tasks run one at a time and in order, on one thread that runs no
 * other lane's tasks while the lane is open; closing the lane gives the thread back. A thread whose lane has closed
 * waits, idle, for the next lane, and ends once idle between {@link #KEEP_ALIVE_SECONDS} and twice that (Reactor
 * looks for idle threads once every {@link #KEEP_ALIVE_SECONDS}). So a program that opens a
 * factory, reads a little and closes it, again and again (a serverless function booting Minoro on every
 * invocation), starts a thread only the first time. The threads are daemons: an idle one never keeps the JVM alive.
 *
 * <p>There are never more busy threads than lanes open at once (besides them, idle threads wait out their keep-alive),
 * and two lanes never share one: a lane can wait for SQLite's lock, and a lane queued behind it on the same thread
 * could be the one that holds the lock. The thread cap is therefore unbounded here; the lanes, bounded per factory,
 * bound the busy threads.
 */
final class LaneThreads {

    /** How long, in seconds, an idle thread waits for a lane at least before it ends (at most twice that). */
    static final int KEEP_ALIVE_SECONDS = 60;

    /** The threads' names: {@code minoro-sqlite-N}. */
    static final String NAME = "minoro-sqlite";

    private LaneThreads() {
    }

    /** The scheduler, made (and its eviction thread started) on the first call. */
    static Scheduler scheduler() {
        return Holder.SCHEDULER;
    }

    /** The lazy holder: its class is initialised, and the scheduler made, at the first lane that needs it. */
    private static final class Holder {
        static final Scheduler SCHEDULER = SharedThreads.daemonBoundedElastic(NAME, KEEP_ALIVE_SECONDS);
    }
}
