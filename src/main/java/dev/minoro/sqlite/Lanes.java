package dev.minoro.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.jdbc4.JDBC4Connection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.pool.InstrumentedPool;
import reactor.pool.PoolBuilder;

/**
 * The lanes of one connection factory: the writer lane and the reader lanes, each pool handing out a
 * lane to one user at a time, first come first served, and opening lanes lazily up to its size.
 *
 * <p>Leasing never blocks a thread: a lease that cannot be had at once waits in the pool's FIFO queue of
 * pending acquisitions, and a cancelled wait leaves the queue without taking or leaking a lane (reactor-pool
 * gives a lane delivered to a cancelled waiter straight back).
 */
final class Lanes {

    /** Tasks a lane's thread may have queued: leases keep it to a handful, so this only stops a runaway. */
    private static final int QUEUED_TASKS_PER_LANE = 100_000;

    private static final AtomicInteger FACTORIES = new AtomicInteger();

    private final SqliteConnectionConfiguration configuration;
    private final Scheduler scheduler;
    private final @Nullable Scheduler owned;
    private final @Nullable InstrumentedPool<Lane> writer;
    private final @Nullable InstrumentedPool<Lane> readers;
    private final Set<Lane> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger readerNames = new AtomicInteger();
    private volatile boolean closed;
    private volatile @Nullable String sqliteVersion;

    Lanes(SqliteConnectionConfiguration configuration) {
        this.configuration = configuration;
        Scheduler external = configuration.scheduler();
        if (external == null) {
            this.owned = Schedulers.newBoundedElastic(configuration.lanes(), QUEUED_TASKS_PER_LANE,
                    "minoro-sqlite-" + FACTORIES.incrementAndGet(), 60, true);
            this.scheduler = owned;
        } else {
            this.owned = null;
            this.scheduler = external;
        }
        this.writer = configuration.readOnly() ? null : pool(1, true);
        this.readers = configuration.readerLanes() == 0 ? null : pool(configuration.readerLanes(), false);
    }

    private InstrumentedPool<Lane> pool(int size, boolean writes) {
        return PoolBuilder.from(Mono.defer(() -> openLane(writes)))
                .sizeBetween(0, size)
                .maxPendingAcquireUnbounded()
                .destroyHandler(Lane::close)
                .buildPool();
    }

    /** A cold Mono that leases the writer lane (a reader lane in a read-only factory). */
    Mono<Lease> writer() {
        return lease(writer != null ? writer : readers);
    }

    /** A cold Mono that leases a reader lane, or the writer lane when there are no readers. */
    Mono<Lease> reader() {
        return lease(readers != null ? readers : writer);
    }

    /** Whether reads have lanes of their own. */
    boolean hasReaders() {
        return readers != null;
    }

    /** The number of lanes leased now (for tests: nothing should hold a lane once its work is done). */
    int leased() {
        return (writer == null ? 0 : writer.metrics().acquiredSize())
                + (readers == null ? 0 : readers.metrics().acquiredSize());
    }

    /** The number of leases waiting for a lane now. */
    int pending() {
        return (writer == null ? 0 : writer.metrics().pendingAcquireSize())
                + (readers == null ? 0 : readers.metrics().pendingAcquireSize());
    }

    /** SQLite's version, known once a lane has been opened. */
    @Nullable String sqliteVersion() {
        return sqliteVersion;
    }

    private Mono<Lease> lease(@Nullable InstrumentedPool<Lane> pool) {
        if (pool == null) {
            throw new IllegalStateException("a factory has a writer or readers");
        }
        return Mono.defer(() -> closed
                ? Mono.error(SqliteExceptionFactory.factoryClosed(configuration.database()))
                : pool.acquire().map(Lease::new))
                .onErrorMap(reactor.pool.PoolShutdownException.class,
                        e -> SqliteExceptionFactory.factoryClosed(configuration.database()));
    }

    private Mono<Lane> openLane(boolean writes) {
        String name = writes ? "writer" : "reader-" + readerNames.incrementAndGet();
        Lane lane = new Lane(name, scheduler.createWorker(), configuration.database());
        all.add(lane);
        if (closed) {
            all.remove(lane);
            return lane.close().then(Mono.error(SqliteExceptionFactory.factoryClosed(configuration.database())));
        }
        return lane.open(() -> open(writes))
                .onErrorResume(e -> {
                    all.remove(lane);
                    Throwable error = e instanceof SQLException
                            ? SqliteExceptionFactory.map((SQLException) e, null,
                                    "cannot open SQLite database " + configuration.database() + ": ")
                            : e;
                    return lane.close().then(Mono.error(error));
                });
    }

    /** Opens and sets up one JDBC connection; runs on the new lane's worker. */
    private Connection open(boolean writes) throws SQLException {
        SQLiteConfig sqliteConfig = new SQLiteConfig();
        if (configuration.readOnly()) {
            sqliteConfig.setReadOnly(true);
        }
        Properties properties = sqliteConfig.toProperties();
        String database = configuration.database();
        Connection connection = new JDBC4Connection("jdbc:sqlite:" + database, database, properties);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = " + configuration.busyTimeout().toMillis());
            statement.execute("PRAGMA foreign_keys = " + (configuration.foreignKeys() ? "ON" : "OFF"));
            SqliteConnectionConfiguration.JournalMode journal = configuration.journalMode();
            if (writes && journal != null) {
                setJournalMode(statement, journal);
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

    private void setJournalMode(Statement statement, SqliteConnectionConfiguration.JournalMode journal)
            throws SQLException {
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
     * A cold Mono that closes every lane: pending leases fail, every JDBC connection is closed on its own
     * worker (a running statement is interrupted first), and an owned scheduler is disposed; it completes
     * when the scheduler's threads have ended.
     */
    Mono<Void> close() {
        return Mono.defer(() -> {
            closed = true;
            Mono<Void> pools = Mono.when(
                    writer == null ? Mono.empty() : writer.disposeLater(),
                    readers == null ? Mono.empty() : readers.disposeLater())
                    .onErrorResume(e -> Mono.empty());
            Mono<Void> lanes = Flux.fromIterable(all)
                    .flatMap(lane -> {
                        lane.interruptAny();
                        return lane.close();
                    })
                    .then();
            Mono<Void> threads = owned == null ? Mono.empty() : owned.disposeGracefully();
            return pools.then(lanes).then(threads);
        });
    }
}
