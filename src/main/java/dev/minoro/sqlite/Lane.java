package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.EveryError;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * One sqlite-jdbc {@link Connection} bound to one {@link Scheduler.Worker}: every JDBC call on the
 * connection is a task of the lane, and the lane's tasks run on its worker one at a time in the order queued, so the
 * connection is never used by two threads at once and never by a subscriber's thread. Tasks queued while the lane is
 * busy run back to back in one turn of the worker, without a hand-off to the worker each.
 *
 * <p>The one call made from another thread is {@link #interrupt}, SQLite's {@code sqlite3_interrupt},
 * which SQLite documents as safe to call from any thread while a statement runs, and which only sets a
 * flag. A lock keeps it from reaching a connection that is being closed.
 *
 * <p>Each task runs with a {@link LockWait}: SQLite's busy handler on this connection ({@link Waiter}) waits for
 * other connections' locks within it, and stops waiting at once when the task's subscriber cancels.
 *
 * <p>Because the worker runs tasks in order, work queued after a task always sees the lane as that task left
 * it: a task whose subscriber cancelled either never started or ran to its end. That is what lets a lane be
 * given back while a cancelled statement is still being interrupted: the next lessee's tasks run after it.
 */
final class Lane {

    /**
     * Opens the JDBC connection of a lane, on the lane's worker; it calls {@link #installBusyHandler} before
     * anything that may meet a lock.
     */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    /** Work for a lane: JDBC calls on its connection. */
    @FunctionalInterface
    interface Work<T> {
        @Nullable T run(Connection connection) throws Exception;
    }

    /** How many SQLite virtual machine instructions a statement runs between two asks of the progress handler. */
    static final int PROGRESS_INSTRUCTIONS = 1000;

    /** How many queued tasks one turn of the worker runs at most before it asks the worker for another turn. */
    static final int TASKS_PER_TURN = 64;

    private final String name;
    private final Scheduler.Worker worker;
    private final String database;
    private final Duration busyTimeout;
    private final Waiter waiter = new Waiter();
    private final StatementCache statements; // on the worker, but for interrupted() under guard
    private final Object guard = new Object();
    private @Nullable Connection connection; // under guard; used only on the worker
    private boolean closing; // under guard: no task is accepted after the close task
    private boolean closed; // under guard
    private @Nullable Object running; // the interruptible work in progress, under guard
    private volatile boolean closingFactory; // a wait for a lock ends at once
    private volatile @Nullable Lease lease; // what holds the lane now, for the message of a wait that times out
    private final Mono<Void> close;
    private final ArrayDeque<Queued> queued = new ArrayDeque<>(); // under guard: tasks not yet run, in order
    private boolean turnRunning; // under guard: a turn of the worker runs now, and will run what is queued

    /** @param worker the lane's worker, which the lane disposes once its connection is closed */
    Lane(String name, Scheduler.Worker worker, String database, Duration busyTimeout, StatementCache statements) {
        this.name = name;
        this.statements = statements;
        this.worker = worker;
        this.database = database;
        this.busyTimeout = busyTimeout;
        this.close = Mono.<Void>create(sink -> {
            Throwable refused;
            synchronized (guard) {
                if (closing) {
                    refused = null;
                } else {
                    closing = true;
                    refused = enqueue(sink, () -> {
                        closeOnWorker();
                        sink.success();
                    });
                    if (refused == null) {
                        return;
                    }
                    // the worker is gone (its scheduler was disposed): nothing can run on it any more
                    closed = true;
                    connection = null;
                }
            }
            sink.success();
        }).cache();
    }

    String name() {
        return name;
    }

    /** The lease that holds the lane now, or null between leases. */
    @Nullable Lease lease() {
        return lease;
    }

    /** The lane was leased: {@link #lease()} names it until it goes back. */
    void leased(Lease lease) {
        this.lease = lease;
    }

    /**
     * {@code lease} goes back to the pool; the next lease of the lane can only be made after this (the pool hands the
     * lane out again once the lease's release has reached it).
     */
    void returned(Lease lease) {
        if (this.lease == lease) {
            this.lease = null;
        }
    }

    /** The prepared statements kept on the lane's connection; only on the lane's worker, inside a task. */
    StatementCache statements() {
        return statements;
    }

    /** A cold Mono that opens the lane's JDBC connection on its worker and emits the lane. */
    Mono<Lane> open(Opener opener, LockWait wait) {
        return Mono.create(sink -> schedule(sink, () -> {
            Connection opened;
            waiter.start(wait, () -> closingFactory, false);
            try {
                opened = opener.open();
            } catch (Throwable e) {
                EveryError.fail(sink, e);
                return;
            } finally {
                waiter.end();
            }
            synchronized (guard) {
                if (!closed) {
                    connection = opened;
                    opened = null;
                }
            }
            if (opened != null) {
                closeQuietly(opened);
                sink.error(SqliteExceptionFactory.factoryClosed(database));
                return;
            }
            sink.success(this);
        }));
    }

    /**
     * A cold Mono that runs {@code work} on the lane's worker, waiting for locks within {@code wait}, and emits its
     * result (empty for null). A subscriber that cancels before the work starts skips it; one that cancels later
     * lets it run to its end and never sees its result, so work whose outcome matters records it itself.
     */
    <T> Mono<T> call(Work<T> work, LockWait wait) {
        return submit(work, wait, true, null, null);
    }

    /** {@link #call(Work, LockWait)} waiting for locks up to the factory's busy timeout. */
    <T> Mono<T> call(Work<T> work) {
        return call(work, new LockWait(busyTimeout));
    }

    /**
     * A cold Mono that runs a statement's {@code work} on the lane's worker: cancelling interrupts it if it is
     * running ({@code sqlite3_interrupt}) and stops its wait for a lock; a result that comes after the subscriber
     * cancelled goes to {@code discard}, so that no statement is left open.
     *
     * @param owner   an identity for {@link #interrupt}: the statement's own, so that a late interrupt cannot hit
     *                the next lessee's statement
     * @param discard what to do with a result nobody wants, or null if it holds nothing
     */
    <T> Mono<T> callInterruptibly(Work<T> work, LockWait wait, Object owner, @Nullable Consumer<? super T> discard) {
        return submit(work, wait, true, owner, discard);
    }

    /**
     * A cold Mono that runs clean-up {@code work} on the lane's worker once subscribed, whatever the subscriber
     * does, even if it cancelled before the work started (closing a statement, rolling back what a failed or
     * cancelled statement left open). Cancelling only stops the subscriber from hearing the outcome.
     */
    <T> Mono<T> callToEnd(Work<T> work) {
        return submit(work, new LockWait(busyTimeout), false, null, null);
    }

    private <T> Mono<T> submit(Work<T> work, LockWait wait, boolean cancellable, @Nullable Object owner,
            @Nullable Consumer<? super T> discard) {
        return Mono.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            if (cancellable) {
                sink.onCancel(() -> {
                    cancelled.set(true);
                    if (owner != null) {
                        interrupt(owner);
                    }
                });
            }
            schedule(sink, () -> {
                if (cancelled.get()) {
                    return;
                }
                Connection jdbc;
                synchronized (guard) {
                    jdbc = closed ? null : connection;
                    if (jdbc != null) {
                        running = owner;
                    }
                }
                if (jdbc == null) {
                    sink.error(SqliteExceptionFactory.factoryClosed(database));
                    return;
                }
                T result;
                waiter.start(wait, () -> cancelled.get() || closingFactory, owner != null);
                try {
                    statements.closeIfInterrupted();
                    result = work.run(jdbc);
                } catch (Throwable e) {
                    end(owner);
                    if (!cancelled.get()) {
                        // a cancel may still come between the check and the signal
                        EveryError.fail(sink, e instanceof SQLException && SqliteExceptionFactory.isLocked(e)
                                ? SqliteExceptionFactory.waited((SQLException) e, wait, name) : e);
                    }
                    return;
                } finally {
                    waiter.end();
                }
                end(owner);
                if (cancelled.get()) {
                    if (result != null && discard != null) {
                        discard.accept(result);
                    }
                    return;
                }
                sink.success(result);
            });
        });
    }

    /**
     * Waits before another attempt at a lock that SQLite refused without calling its busy handler, within the
     * lock wait of the task running now; false when it is spent or the task's subscriber cancelled. Only on the
     * lane's worker, from inside a task.
     */
    boolean pauseForLock(int attempt) {
        return waiter.pause(attempt);
    }

    /**
     * Installs the lane's progress handler on its connection, when it opens; only on the lane's worker. It ends the
     * statement of an interruptible task whose subscriber cancelled (or whose factory is closing) within
     * {@value #PROGRESS_INSTRUCTIONS} SQLite instructions: {@link #interrupt} alone misses a statement that had not
     * started yet when the cancel came, which SQLite's {@code sqlite3_interrupt} ignores, and which would then run
     * for as long as it runs, holding the lane.
     */
    void installProgressHandler(Connection jdbc) throws SQLException {
        SqliteJdbc.setProgressHandler(jdbc, PROGRESS_INSTRUCTIONS, waiter::interruptRequested);
    }

    /**
     * Whether the work of a statement that ends now may have left SQLite's transaction state other than the
     * driver thinks: true when the work failed, or its subscriber cancelled while it ran (the progress handler or
     * {@link #interrupt} may then have stopped its statements, or sqlite-jdbc's own {@code begin;} and
     * {@code commit;} around them, see {@link SqliteJdbc#rollbackQuietly}). Then the progress handler no longer
     * stops the rest of the task, so that the caller's clean-up runs to its end. Only on the lane's worker, at the
     * end of a task's work.
     */
    boolean needsCleanUp(boolean failed) {
        if (failed || waiter.stopRequested()) {
            waiter.disarm();
            return true;
        }
        return false;
    }

    /**
     * Installs the lane's busy handler on its connection, when it opens and again after SQL replaced it; only on
     * the lane's worker.
     */
    void installBusyHandler(Connection jdbc) throws SQLException {
        SqliteJdbc.setBusyHandler(jdbc, waiter::pause);
    }

    /**
     * Interrupts the statement running on this lane if it is the work {@code owner} names: safe from any thread,
     * and a no-op when that work is not running, so that it cannot hit the next lessee's statement.
     */
    void interrupt(Object owner) {
        synchronized (guard) {
            if (running == owner && connection != null && !closed) {
                interruptNow(connection);
            }
        }
    }

    /**
     * Interrupts whatever interruptible work runs on this lane, and ends any wait for a lock at once: for closing
     * the factory.
     */
    void interruptAny() {
        closingFactory = true;
        synchronized (guard) {
            if (running != null && connection != null && !closed) {
                interruptNow(connection);
            }
        }
    }

    /**
     * A cold Mono that closes the JDBC connection on the lane's worker, after the tasks queued before it, then
     * releases the worker; tasks offered later fail at once. Idempotent: every subscription shares one close.
     */
    Mono<Void> close() {
        return close;
    }

    private void end(@Nullable Object owner) {
        synchronized (guard) {
            if (running == owner) {
                running = null;
            }
        }
    }

    private void closeOnWorker() {
        Connection jdbc;
        synchronized (guard) {
            closed = true;
            jdbc = connection;
            connection = null;
        }
        try {
            statements.clear();
            if (jdbc != null) {
                closeQuietly(jdbc);
            }
        } finally {
            // no task can be queued behind this one (closing refuses them), so none is lost
            worker.dispose();
        }
    }

    /** Schedules {@code task} unless the lane is closing; then, or if the worker refuses it, fails {@code sink}. */
    private void schedule(MonoSink<?> sink, Runnable task) {
        Throwable refused;
        synchronized (guard) {
            refused = closing ? SqliteExceptionFactory.factoryClosed(database) : enqueue(sink, task);
        }
        if (refused != null) {
            sink.error(refused);
        }
    }

    /**
     * Queues {@code task} behind the lane's other tasks; returns why the worker refused it, or null. A task queued
     * while a turn of the worker runs is run by that turn; any other asks the worker for a turn of its own, so that a
     * worker that can take no more work (its scheduler disposed) refuses it at once. Under guard.
     */
    private @Nullable Throwable enqueue(MonoSink<?> sink, Runnable task) {
        Queued entry = new Queued(sink, task);
        queued.add(entry);
        if (turnRunning) {
            return null;
        }
        Throwable refused = scheduleTurn();
        if (refused != null) {
            queued.removeLastOccurrence(entry);
        }
        return refused;
    }

    /** Asks the worker to run {@link #turn}; returns why it refused, or null. Under guard. */
    private @Nullable Throwable scheduleTurn() {
        try {
            worker.schedule(this::turn);
            return null;
        } catch (RejectedExecutionException e) {
            return worker.isDisposed()
                    ? SqliteExceptionFactory.factoryClosed(database)
                    : new R2dbcTransientResourceException("the SQLite lane " + name + " of " + database
                            + " has too many queued tasks", e);
        } catch (RuntimeException e) {
            // a scheduling hook of the application's that failed
            return e;
        }
    }

    /**
     * One turn of the worker: the lane's queued tasks, in order, back to back, including those queued while it runs
     * (the next statement of a call that was waiting for the lane, queued when the lane was given back on this
     * thread), so that tasks queued on a busy lane cost no hand-off to the worker each. After
     * {@value #TASKS_PER_TURN} tasks it asks for another turn, so that a worker that the application's scheduler
     * shares with other work is not held; a worker that refuses that turn gets none of the queue's tasks refused.
     */
    private void turn() {
        synchronized (guard) {
            if (turnRunning) {
                return;
            }
            turnRunning = true;
        }
        try {
            for (int ran = 0;; ran++) {
                Queued next;
                synchronized (guard) {
                    if (ran >= TASKS_PER_TURN && !queued.isEmpty()) {
                        turnRunning = false;
                        if (scheduleTurn() == null) {
                            return;
                        }
                        turnRunning = true;
                    }
                    next = queued.poll();
                    if (next == null) {
                        turnRunning = false;
                        return;
                    }
                }
                if (ran > 0) {
                    // an interrupt left by the task before (or by its subscriber) is not the next task's, as a worker
                    // clears it between two tasks of its own
                    Thread.interrupted();
                }
                try {
                    next.task().run();
                } catch (Throwable e) {
                    EveryError.fail(next.sink(), e);
                }
            }
        } finally {
            // reached with the turn still running only when something was thrown past the loop (a failing error
            // hook): the tasks queued behind get a turn of their own, or fail, rather than wait for ever
            List<Queued> refused = null;
            Throwable refusal = null;
            synchronized (guard) {
                if (turnRunning) {
                    turnRunning = false;
                    refusal = queued.isEmpty() ? null : scheduleTurn();
                    if (refusal != null) {
                        refused = new ArrayList<>(queued);
                        queued.clear();
                    }
                }
            }
            if (refused != null) {
                for (Queued task : refused) {
                    try {
                        EveryError.fail(task.sink(), refusal);
                    } catch (Throwable hook) {
                        // the failing hook that ended the turn fails here too; the tasks after still get theirs
                    }
                }
            }
        }
    }

    /** A task queued on the lane, with the sink to fail if it throws or cannot run. */
    private record Queued(MonoSink<?> sink, Runnable task) {
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing finalizes every statement first; a failure here leaves nothing more to release
        }
    }

    /** Interrupts the connection's statement; under guard. */
    private void interruptNow(Connection connection) {
        statements.interrupted();
        try {
            SqliteJdbc.interrupt(connection);
        } catch (SQLException e) {
            // the statement then runs to its end, as if not cancelled
        }
    }

    @Override
    public String toString() {
        return "Lane{" + name + " of " + database + "}";
    }

    /**
     * SQLite's busy handler on this lane ({@code sqlite3_busy_handler}): it waits for another connection's lock
     * within the lock wait of the task running now, and gives up at once when that task's subscriber cancels, so
     * that a cancelled statement does not keep its lane for the rest of its busy timeout. It replaces SQLite's
     * {@code busy_timeout}, so a call's wait for its lane and for the lock can share one budget. It runs on the
     * lane's worker, inside a JDBC call of the task.
     */
    private static final class Waiter {

        private @Nullable LockWait wait; // only on the worker
        private LockWait.StopSignal stop = LockWait.StopSignal.NEVER;
        private boolean interruptible; // only on the worker

        void start(LockWait wait, LockWait.StopSignal stop, boolean interruptible) {
            this.wait = wait;
            this.stop = stop;
            this.interruptible = interruptible;
        }

        /** Whether the interruptible task running now was cancelled, or the factory is closing. */
        boolean interruptRequested() {
            return interruptible && stop.stopped();
        }

        /** Whether the running task's subscriber cancelled, or the factory is closing. */
        boolean stopRequested() {
            return stop.stopped();
        }

        /** The progress handler no longer interrupts the rest of the running task. */
        void disarm() {
            this.interruptible = false;
        }

        void end() {
            this.wait = null;
            this.interruptible = false;
            this.stop = LockWait.StopSignal.NEVER;
        }

        boolean pause(int attempt) {
            LockWait current = wait;
            return current != null && current.pause(attempt, stop);
        }
    }
}
