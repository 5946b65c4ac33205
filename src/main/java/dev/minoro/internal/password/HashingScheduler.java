package dev.minoro.internal.password;

import dev.minoro.MinoroClosedException;
import dev.minoro.OverloadedException;
import dev.minoro.internal.LoadedOnce;
import dev.minoro.sqlite.internal.EveryError;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The bounded scheduler that password hashing runs on: {@code threads} threads sharing one queue, started at
 * the first hash (not before: a boot that hashes nothing starts none), and an admission bound of
 * {@code threads + queueCapacity} callers, beyond which a caller is refused at once with
 * {@link OverloadedException} instead of queueing without bound. Each thread keeps the Argon2 memory of one hash at
 * the configured cost from its first hash on and reuses it for every later one (see {@link Argon2Memory}), so that
 * hashing holds {@code threads x memoryKiB} however many callers wait, and allocates none of it per hash.
 * {@link #close()} ends the threads, and their memory goes with them. The counts ({@link #queued()},
 * {@link #running()}, {@link #admitted()}, {@link #rejected()}) are plain reads for metrics: they never block and do
 * no I/O.
 */
public final class HashingScheduler {

    private static final String THREAD_NAME_PREFIX = "minoro-password-";
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private final int threads;
    private final int queueCapacity;
    private final int memoryKiB;
    private final ScheduledThreadPoolExecutor executor;
    private final Scheduler scheduler;
    private final Mono<Boolean> starting;
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong blocksMade;
    private final Sinks.Empty<Void> terminated = Sinks.empty();
    private volatile boolean started;
    private volatile boolean closed;

    private HashingScheduler(int threads, int queueCapacity, int memoryKiB, AtomicLong blocksMade,
            ThreadFactory threadFactory) {
        this.threads = threads;
        this.blocksMade = blocksMade;
        this.queueCapacity = queueCapacity;
        this.memoryKiB = memoryKiB;
        // One queue shared by all threads, so that a hash never waits behind a busy thread while another
        // is idle (Schedulers.newBoundedElastic queues per thread, and caps each thread's queue rather than
        // the total). The executor's queue is unbounded: admission bounds it, without a lock. A
        // ScheduledThreadPoolExecutor because Reactor's BlockHound integration accepts the brief lock inside
        // its queue, where an ArrayBlockingQueue's lock, when contended, would fail a subscriber on a
        // parallel thread.
        this.executor = new ScheduledThreadPoolExecutor(threads, threadFactory);
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = Schedulers.fromExecutorService(executor, "minoro-password");
        // All threads at once, at the first hash, and where blocking is allowed: left to the executor, each of
        // the first submissions would add a thread under the executor's main lock, which callers on parallel
        // threads could contend for (BlockHound fails that wait). Callers that come meanwhile wait for it
        // without blocking; later ones find the threads running and submit straight away. A start that failed (a
        // thread that could not be made) is not kept: the next work tries again, and starts the threads missing.
        this.starting = LoadedOnce.of(() -> {
            if (!executor.isShutdown()) {
                executor.prestartAllCoreThreads();
                started = true;
            }
            return true; // a value, which LoadedOnce keeps: it would start again after an empty completion
        });
    }

    /**
     * A scheduler of {@code threads} daemon threads named {@code minoro-password-N}, admitting at most
     * {@code threads + queueCapacity} callers; {@code memoryKiB}, each hash's memory cost, is for the message of
     * {@link #overloaded()}. Starts no thread.
     */
    public static HashingScheduler create(int threads, int queueCapacity, int memoryKiB) {
        AtomicLong blocksMade = new AtomicLong();
        return create(threads, queueCapacity, memoryKiB, blocksMade, task -> {
            Thread thread = new HashingThread(task, THREAD_NAME_PREFIX + THREAD_NUMBER.incrementAndGet(),
                    new Argon2Memory(memoryKiB, blocksMade));
            // An instance nobody closed must not keep the JVM alive.
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * {@link #create(int, int, int)} with the threads made by {@code threadFactory}; unless they are
     * {@link HashingThread}s, each hash allocates its own Argon2 memory.
     */
    public static HashingScheduler create(int threads, int queueCapacity, int memoryKiB, ThreadFactory threadFactory) {
        return create(threads, queueCapacity, memoryKiB, new AtomicLong(), threadFactory);
    }

    private static HashingScheduler create(int threads, int queueCapacity, int memoryKiB, AtomicLong blocksMade,
            ThreadFactory threadFactory) {
        if (threads < 1 || queueCapacity < 0) {
            throw new IllegalArgumentException("threads must be > 0 and queueCapacity >= 0, were " + threads + " and "
                    + queueCapacity);
        }
        return new HashingScheduler(threads, queueCapacity, memoryKiB, blocksMade,
                Objects.requireNonNull(threadFactory, "threadFactory"));
    }

    /**
     * Takes one of the {@code threads + queueCapacity} places for a caller: true when it got one (give it back
     * with {@link #release()}), false when all are taken (counted in {@link #rejected()}). Never blocks.
     */
    boolean tryAdmit() {
        int limit = threads + queueCapacity;
        for (;;) {
            int current = admitted.get();
            if (current >= limit) {
                rejected.incrementAndGet();
                return false;
            }
            if (admitted.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives back a place that {@link #tryAdmit()} gave. */
    void release() {
        admitted.decrementAndGet();
    }

    /** What a caller refused by {@link #tryAdmit()} receives. */
    OverloadedException overloaded() {
        RejectedExecutionException cause = new RejectedExecutionException("minoro-password: " + threads
                + " running and " + queueCapacity + " waiting, the most allowed");
        return new OverloadedException("Password hashing is at capacity: all " + threads + " hashing threads are"
                + " busy and all " + queueCapacity + " queue slots are taken. Retry later, or raise hashingThreads"
                + " (up to the cores available) or hashingQueueCapacity in MinoroConfig; each hash holds "
                + memoryKiB + " KiB while it runs.", cause);
    }

    /**
     * A cold Mono that runs {@code work} on one of the threads (starting them first, on Reactor's bounded-elastic
     * scheduler, if no work has started them yet) and emits its result there. Fails with whatever starting the
     * threads threw (the next work tries again), and with {@link MinoroClosedException} once {@link #close()} has
     * stopped the threads; a subscriber that cancels before the work started removes it from the queue.
     */
    <T> Mono<T> run(Callable<T> work) {
        return Mono.defer(() -> {
            AtomicBoolean waiting = new AtomicBoolean(true);
            queued.incrementAndGet();
            Mono<T> task = EveryError.fromCallable(() -> {
                dequeued(waiting);
                running.incrementAndGet();
                try {
                    return work.call();
                } finally {
                    running.decrementAndGet();
                }
            }).subscribeOn(scheduler);
            // ScheduledThreadPoolExecutor checks isShutdown() before it queues a task: one queued in the instant
            // the executor terminates is never run. Such a task is still waiting once close() has seen the
            // executor terminated, and fails as closed instead of leaving its subscriber waiting for ever.
            Mono<T> stranded = terminated.asMono().then(Mono.defer(() -> waiting.get()
                    ? Mono.<T>error(new MinoroClosedException()) : Mono.<T>never()));
            // off the queue before the outcome reaches the subscriber, who may read the counts at once
            return Mono.firstWithSignal(started ? task : starting.then(task), stranded)
                    .doOnTerminate(() -> dequeued(waiting))
                    .doOnCancel(() -> dequeued(waiting))
                    // The executor refuses tasks only once close() has shut it down.
                    .onErrorMap(RejectedExecutionException.class, MinoroClosedException::new);
        });
    }

    private void dequeued(AtomicBoolean waiting) {
        if (waiting.compareAndSet(true, false)) {
            queued.decrementAndGet();
        }
    }

    /** Whether {@link #close()} has been subscribed. */
    boolean isClosed() {
        return closed;
    }

    /**
     * A cold Mono that stops the scheduler and completes once its threads have ended: work already queued or
     * running still runs to its end, later work fails with {@link MinoroClosedException}. Idempotent: every
     * subscription completes when the threads are gone. Waits on Reactor's bounded-elastic scheduler.
     */
    Mono<Void> close() {
        return Mono.defer(() -> {
            closed = true;
            // Shutting the executor down takes its locks, and the caller may be an event loop (closing
            // after a PostgreSQL query, on r2dbc-postgresql's thread): BlockHound caught the wait. Not
            // Scheduler.disposeGracefully: Reactor waits for that on a thread of its own that is no daemon and
            // lingers 10 s, so a program would live 10 s after close().
            return Mono.<Void>fromCallable(() -> {
                executor.shutdown();
                while (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                    // hashes already admitted are still running; they finish, however long they take
                }
                terminated.tryEmitEmpty();
                return null;
            }).subscribeOn(Schedulers.boundedElastic());
        });
    }

    /** The number of threads, started or not. */
    public int threads() {
        return threads;
    }

    /** How many hashes may wait for a thread beyond those running. */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** Hashes waiting for a thread now. */
    public int queued() {
        return queued.get();
    }

    /** Hashes running on a thread now. */
    public int running() {
        return running.get();
    }

    /** Callers holding a place now (running, queued, or between two hashes of one login). */
    public int admitted() {
        return admitted.get();
    }

    /** Callers refused with {@link OverloadedException} since the scheduler was made. */
    public long rejected() {
        return rejected.get();
    }

    /** Whether the threads have been started (by the first hash). */
    public boolean started() {
        return started;
    }

    /**
     * The 1 KiB Argon2 memory blocks that this scheduler's threads have allocated since it was made: each thread
     * allocates the configured memory cost once and reuses it for every later hash (see {@link Argon2Memory}).
     */
    long argon2BlocksMade() {
        return blocksMade.get();
    }

    @Override
    public String toString() {
        return "threads=" + threads + ", queueCapacity=" + queueCapacity;
    }

    /** A hashing thread of the default thread factory, with the Argon2 memory it reuses from one hash to the next. */
    static final class HashingThread extends Thread {

        private final Argon2Memory memory;

        HashingThread(Runnable task, String name, Argon2Memory memory) {
            super(task, name);
            this.memory = memory;
        }

        Argon2Memory memory() {
            return memory;
        }
    }
}
