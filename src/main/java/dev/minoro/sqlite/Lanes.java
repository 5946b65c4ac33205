package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.EveryError;
import dev.minoro.sqlite.internal.SqliteResultCodes;
import io.r2dbc.spi.R2dbcTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The lanes of one connection factory: the writer lane and the reader lanes, each {@link LanePool} handing out a
 * lane to one user at a time, first come first served, the idle lane used last first, and opening lanes lazily up
 * to its size.
 *
 * <p>Leasing never blocks a thread: a lease that cannot be had at once waits in the pool's FIFO queue, and a
 * cancelled wait leaves the queue without taking or leaking a lane (a lane handed to a waiter that has cancelled
 * goes straight back). A wait is bounded by the caller's {@link LockWait}:
 * a lane still taken when it runs out fails the call with {@link R2dbcTimeoutException}, error code 5
 * (SQLITE_BUSY) as for SQLite's own lock, naming what holds the lane and for how long. So a lease that were
 * never given back would turn every later call into that error, never into an endless wait.
 */
final class Lanes {

    /** How often closing interrupts a lane again while statements queued on it still run. */
    private static final Duration INTERRUPT_AGAIN = Duration.ofMillis(10);

    private final SqliteConnectionConfiguration configuration;
    private final Scheduler scheduler;
    private final @Nullable LanePool writer;
    private final @Nullable LanePool readers;
    private final Set<Lane> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger readerNames = new AtomicInteger();
    private final LongAdder statementsPrepared = new LongAdder();
    private final LongAdder statementsReused = new LongAdder();
    private volatile boolean closed;
    private volatile boolean readerOpened; // a reader lane has opened: reads no longer try the idle writer

    /** SQLite's version: the native library's, loaded once per class loader, so read once for all factories. */
    private static volatile @Nullable String sqliteVersion;

    Lanes(SqliteConnectionConfiguration configuration) {
        this.configuration = configuration;
        Scheduler supplied = configuration.scheduler();
        this.scheduler = supplied != null ? supplied : LaneThreads.scheduler();
        this.writer = configuration.readOnly() ? null : pool(1, true);
        this.readers = configuration.readerLanes() == 0 ? null : pool(configuration.readerLanes(), false);
    }

    private LanePool pool(int size, boolean writes) {
        return new LanePool(size, wait -> openLane(writes, wait), this::closeLane,
                () -> SqliteExceptionFactory.factoryClosed(configuration.database()));
    }

    /**
     * A cold Mono that leases the writer lane (a reader lane in a read-only factory), waiting for it within
     * {@code wait}, which it charges with the time waited.
     *
     * @param holder what the lease is for, named in the message of a call that times out waiting behind it (made
     *               only then)
     */
    Mono<Lease> writer(LockWait wait, Supplier<String> holder) {
        return lease(writer != null ? writer : readers, wait, holder);
    }

    /** {@link #writer} for a reader lane, or the writer lane when there are no readers. */
    Mono<Lease> reader(LockWait wait, Supplier<String> holder) {
        return lease(readers != null ? readers : writer, wait, holder);
    }

    /**
     * {@link #reader} for one statement, which may run on the writer lane while that lane is idle and no reader
     * lane has been opened yet: a factory that opens, reads a little and closes (the serverless boot) then opens
     * one JDBC connection, not two. The writer is taken only if it can be had at once; otherwise a reader lane
     * opens as usual. It is lent ({@link LanePool#lendIdle()}), not leased: a write that comes while the read's rows
     * are still being read (a stream read slowly) opens another writer lane rather than wait behind them; the lent
     * lane then closes when given back, and reads are lent the writer lane no more. Not for transactions, which run
     * on their lane's connection to the end.
     */
    Mono<Lease> readerForStatement(LockWait wait, Supplier<String> holder) {
        LanePool idleWriter = writer;
        if (readers == null || idleWriter == null || readerOpened || readers.allocatedSize() > 0
                || idleWriter.idleSize() == 0) {
            return reader(wait, holder);
        }
        // a lane taken meanwhile by another call makes this one use a reader lane instead of waiting for it
        return idleWriter.lendIdle()
                .map(lane -> new Lease(idleWriter, lane, holder))
                .switchIfEmpty(reader(wait, holder));
    }

    /** Whether reads have lanes of their own. */
    boolean hasReaders() {
        return readers != null;
    }

    /** The live counts of the lanes of each kind. */
    SqliteMetrics metrics() {
        return new SqliteMetrics(writer, readers, statementsPrepared, statementsReused);
    }

    /** SQLite's version, known once a lane has been opened. */
    @Nullable String sqliteVersion() {
        return sqliteVersion;
    }

    private Mono<Lease> lease(@Nullable LanePool pool, LockWait wait, Supplier<String> holder) {
        if (pool == null) {
            throw new IllegalStateException("a factory has a writer or readers");
        }
        return Mono.defer(() -> {
            if (closed) {
                return Mono.error(SqliteExceptionFactory.factoryClosed(configuration.database()));
            }
            long mark = wait.startLaneWait();
            return pool.acquire(wait)
                    .map(lane -> {
                        wait.waitedForLane(mark);
                        return new Lease(pool, lane, holder);
                    })
                    .onErrorMap(TimeoutException.class, e -> laneTimedOut(pool, wait, mark, e));
        });
    }

    /** The error of a call that waited its whole lock wait for a lane: what holds the lanes, and for how long. */
    private R2dbcTimeoutException laneTimedOut(LanePool pool, LockWait wait, long mark, Throwable cause) {
        wait.waitedForLane(mark);
        boolean writes = pool == writer;
        List<String> holders = new ArrayList<>();
        for (Lane lane : all) {
            Lease lease = lane.lease();
            // a writer lane lent to a read holds up no write: a write opens another writer lane
            if (lease != null && lane.name().startsWith("writer") == writes && !(writes && pool.isLent(lane))) {
                holders.add(lease.describe());
            }
        }
        String lane = writes ? "the writer lane" : "a reader lane";
        return new R2dbcTimeoutException("waited " + wait.waitedMillis() + " ms for " + lane + " of SQLite database "
                + configuration.database() + ", which other statements or transactions of this connection factory"
                + " held longer than the busy timeout of " + wait.limit().toMillis() + " ms"
                + (holders.isEmpty() ? "" : " (held by " + String.join("; ", holders) + ")"),
                null, SqliteResultCodes.SQLITE_BUSY, cause);
    }

    /** A cold Mono that opens a lane, waiting for SQLite's lock within {@code wait} (the call that needs the lane). */
    private Mono<Lane> openLane(boolean writes, LockWait wait) {
        return Mono.defer(() -> {
            String name = writes ? "writer" : "reader-" + readerNames.incrementAndGet();
            Lane lane = newLane(name);
            all.add(lane);
            if (closed) {
                all.remove(lane);
                return lane.close().then(Mono.error(SqliteExceptionFactory.factoryClosed(configuration.database())));
            }
            return lane.open(() -> open(lane, writes), wait)
                    .doOnNext(opened -> {
                        if (!writes) {
                            readerOpened = true;
                        }
                    })
                    .onErrorResume(e -> {
                        all.remove(lane);
                        Throwable error = e;
                        if (e instanceof SQLException) {
                            SQLException sql = (SQLException) e;
                            error = SqliteExceptionFactory.map(SqliteExceptionFactory.isLocked(sql)
                                            ? SqliteExceptionFactory.waited(sql, wait, name) : sql,
                                    null, "cannot open SQLite database " + configuration.database() + ": ");
                        }
                        return lane.close().then(EveryError.<Lane>error(error));
                    });
        });
    }

    /**
     * A lane on a worker of the application's scheduler, or of {@link LaneThreads}: the worker runs the lane's tasks
     * one at a time, in order, on one thread, and goes back to its scheduler when the lane closes.
     */
    private Lane newLane(String name) {
        return new Lane(name, scheduler.createWorker(), configuration.database(), configuration.busyTimeout(),
                statements());
    }

    /** The statement cache of a new lane, counting into the factory's figures. */
    private StatementCache statements() {
        return new StatementCache(configuration.statementCacheSize(), statementsPrepared, statementsReused);
    }

    /** A cold Mono that closes a lane its pool is done with, which then leaves the factory's lanes. */
    private Mono<Void> closeLane(Lane lane) {
        return lane.close().doFinally(signal -> all.remove(lane));
    }

    /** Opens and sets up one JDBC connection; runs on the new lane's worker. */
    private Connection open(Lane lane, boolean writes) throws SQLException {
        Connection connection = SqliteJdbc.open(configuration.database(), configuration.readOnly());
        try (Statement statement = connection.createStatement()) {
            // the driver waits for locks itself, within each call's lock wait, instead of SQLite's busy_timeout
            lane.installBusyHandler(connection);
            lane.installProgressHandler(connection);
            statement.execute("PRAGMA foreign_keys = " + (configuration.foreignKeys() ? "ON" : "OFF"));
            SqliteConnectionConfiguration.JournalMode journal = configuration.journalMode();
            if (writes && journal != null) {
                setJournalMode(lane, statement, journal);
            }
            SqliteConnectionConfiguration.Synchronous synchronous = configuration.synchronous();
            if (writes && synchronous != null) {
                statement.execute("PRAGMA synchronous = " + synchronous.name());
            }
            if (!writes && !configuration.readOnly()) {
                statement.execute("PRAGMA query_only = ON");
            }
            if (sqliteVersion == null) {
                try (ResultSet version = statement.executeQuery("SELECT sqlite_version()")) {
                    version.next();
                    sqliteVersion = version.getString(1);
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /**
     * Sets the journal mode. Switching between WAL and a rollback journal needs an exclusive lock, and SQLite
     * asks for it without calling the busy handler (it already holds a read lock, and waiting while holding one
     * could deadlock), so a switch refused because another connection or process holds a lock is retried here,
     * within the opening's lock wait.
     */
    private void setJournalMode(Lane lane, Statement statement, SqliteConnectionConfiguration.JournalMode journal)
            throws SQLException {
        for (int attempt = 0;; attempt++) {
            try {
                switchJournalMode(statement, journal);
                return;
            } catch (SQLException e) {
                if (!SqliteExceptionFactory.isLocked(e) || !lane.pauseForLock(attempt)) {
                    throw e;
                }
            }
        }
    }

    private void switchJournalMode(Statement statement, SqliteConnectionConfiguration.JournalMode journal)
            throws SQLException {
        // Reading the mode takes no lock; setting it, even to the mode the file already has, writes: an up-to-date
        // WAL file, every boot's case, is only read.
        try (ResultSet current = statement.executeQuery("PRAGMA journal_mode")) {
            if (current.next() && current.getString(1).equalsIgnoreCase(journal.name())) {
                return;
            }
        }
        try (ResultSet result = statement.executeQuery("PRAGMA journal_mode = " + journal.name())) {
            String actual = result.next() ? result.getString(1) : null;
            boolean memory = configuration.inMemory();
            // an in-memory database reports "memory" for anything but OFF
            if (!memory && (actual == null || !actual.toUpperCase(Locale.ROOT).equals(journal.name()))) {
                throw new SQLException("SQLite did not switch " + configuration.database() + " to journal_mode "
                        + journal + "; it kept '" + actual + "' (WAL needs a local file system and shared memory)");
            }
        }
    }

    /**
     * Closes {@code lane}, interrupting whatever runs on it until it has closed: a statement queued on the lane
     * before the close starts only once the running one has been interrupted, and must be interrupted in turn,
     * or the close would wait behind it for as long as it runs.
     */
    private static Mono<Void> interruptUntilClosed(Lane lane) {
        Mono<Void> closing = lane.close();
        return Flux.interval(Duration.ZERO, INTERRUPT_AGAIN, Schedulers.parallel())
                .doOnNext(tick -> lane.interruptAny())
                .takeUntilOther(closing)
                .then(closing);
    }

    /**
     * A cold Mono that closes every lane: pending leases fail, every JDBC connection is closed on its own
     * worker (a running statement is interrupted first), and each worker goes back to its scheduler after its
     * last task; it completes once every lane has closed.
     */
    Mono<Void> close() {
        return Mono.defer(() -> {
            closed = true;
            Mono<Void> pools = Mono.when(
                    writer == null ? Mono.empty() : writer.close(),
                    readers == null ? Mono.empty() : readers.close())
                    .onErrorResume(e -> Mono.empty());
            Mono<Void> lanes = Flux.fromIterable(all)
                    .flatMap(Lanes::interruptUntilClosed)
                    .then();
            return pools.then(lanes);
        });
    }
}
