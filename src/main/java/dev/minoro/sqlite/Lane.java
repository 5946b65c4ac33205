package dev.minoro.sqlite;

import io.r2dbc.spi.R2dbcTransientResourceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConnection;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * One sqlite-jdbc {@link Connection} bound to one {@link Scheduler.Worker}: every JDBC call on the
 * connection is a task of that worker, and a worker runs its tasks one at a time in order, so the
 * connection is never used by two threads at once and never by a subscriber's thread.
 *
 * <p>The one call made from another thread is {@link #interrupt}, SQLite's {@code sqlite3_interrupt},
 * which SQLite documents as safe to call from any thread while a statement runs, and which only sets a
 * flag. A lock keeps it from reaching a connection that is being closed.
 */
final class Lane {

    /** Opens the JDBC connection of a lane, on the lane's worker. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    /** Work for a lane: JDBC calls on its connection. */
    @FunctionalInterface
    interface Work<T> {
        @Nullable T run(Connection connection) throws Exception;
    }

    private final String name;
    private final Scheduler.Worker worker;
    private final String database;
    private final Object guard = new Object();
    private @Nullable Connection connection; // under guard; used only on the worker
    private boolean closing; // under guard: no task is accepted after the close task
    private boolean closed; // under guard
    private @Nullable Object running; // the interruptible work in progress, under guard
    private final Mono<Void> close;

    Lane(String name, Scheduler.Worker worker, String database) {
        this.name = name;
        this.worker = worker;
        this.database = database;
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

    /** A cold Mono that opens the lane's JDBC connection on its worker and emits the lane. */
    Mono<Lane> open(Opener opener) {
        return Mono.create(sink -> schedule(sink, () -> {
            Connection opened;
            try {
                opened = opener.open();
            } catch (Throwable e) {
                sink.error(e);
                return;
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
     * A cold Mono that runs {@code work} on the lane's worker and emits its result (empty for null).
     *
     * <p>Cancelling does not stop work that has started (that would leave the connection in an unknown
     * state); if {@code interruptible} is given, cancelling interrupts the running statement instead. A result
     * that comes after the subscriber cancelled goes to {@code discard}, so that no statement is left open.
     *
     * @param interruptible an identity for {@link #interrupt}, or null if cancelling must not interrupt
     * @param discard       what to do with a result nobody wants, or null if it holds nothing
     */
    <T> Mono<T> call(Work<T> work, @Nullable Object interruptible, @Nullable Consumer<? super T> discard) {
        return Mono.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            sink.onCancel(() -> {
                cancelled.set(true);
                if (interruptible != null) {
                    interrupt(interruptible);
                }
            });
            schedule(sink, () -> {
                if (cancelled.get()) {
                    return;
                }
                Connection jdbc;
                synchronized (guard) {
                    jdbc = closed ? null : connection;
                    if (jdbc != null) {
                        running = interruptible;
                    }
                }
                if (jdbc == null) {
                    sink.error(SqliteExceptionFactory.factoryClosed(database));
                    return;
                }
                T result;
                try {
                    result = work.run(jdbc);
                } catch (Throwable e) {
                    end(interruptible);
                    if (!cancelled.get()) {
                        sink.error(e);
                    }
                    return;
                }
                end(interruptible);
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
     * Interrupts the statement running on this lane if it is the work {@code interruptible} names: safe from
     * any thread, and a no-op when that work is not running, so that it cannot hit the next lessee's statement.
     */
    void interrupt(Object interruptible) {
        synchronized (guard) {
            if (running == interruptible && connection != null && !closed) {
                interruptNow(connection);
            }
        }
    }

    /** Interrupts whatever interruptible work runs on this lane: for closing the factory. */
    void interruptAny() {
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

    private void end(@Nullable Object interruptible) {
        synchronized (guard) {
            if (running == interruptible) {
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

    /** Offers {@code task} to the worker; returns why it refused, or null. */
    private @Nullable Throwable enqueue(MonoSink<?> sink, Runnable task) {
        try {
            worker.schedule(() -> {
                try {
                    task.run();
                } catch (Throwable e) {
                    sink.error(e);
                }
            });
            return null;
        } catch (RejectedExecutionException e) {
            return worker.isDisposed()
                    ? SqliteExceptionFactory.factoryClosed(database)
                    : new R2dbcTransientResourceException("the SQLite lane " + name + " of " + database
                            + " has too many queued tasks", e);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing finalizes every statement first; a failure here leaves nothing more to release
        }
    }

    private static void interruptNow(Connection connection) {
        try {
            ((SQLiteConnection) connection).getDatabase().interrupt();
        } catch (SQLException e) {
            // the statement then runs to its end, as if not cancelled
        }
    }

    @Override
    public String toString() {
        return "Lane{" + name + " of " + database + "}";
    }
}
