package dev.minoro.sqlite.internal;

import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Schedulers of daemon threads shared by everything in a class loader that needs a thread of its own per worker:
 * the SQLite driver's lanes, and the delivery of login events to each subscriber.
 */
public final class SharedThreads {

    private SharedThreads() {
    }

    /**
     * A new Reactor bounded-elastic scheduler without a thread cap and with no bound on queued tasks, whose threads
     * are daemons named {@code name-N} (numbered from 1): each worker gets a thread that runs no other worker's tasks
     * while it lives (a new thread when none is idle), and a thread idle for {@code keepAliveSeconds} to twice that
     * ends. For schedulers made once per class loader and never disposed: an idle daemon thread keeps no JVM alive.
     */
    public static Scheduler daemonBoundedElastic(String name, int keepAliveSeconds) {
        AtomicInteger numbers = new AtomicInteger();
        return Schedulers.newBoundedElastic(Integer.MAX_VALUE, Integer.MAX_VALUE, task -> {
            Thread thread = new Thread(task, name + "-" + numbers.incrementAndGet());
            // an idle thread must not keep the JVM alive
            thread.setDaemon(true);
            return thread;
        }, keepAliveSeconds);
    }
}
