package dev.minoro.internal.database;

import dev.minoro.MigrationException;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.TransactionDefinition;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * SQLite's migration lock: a JVM-local mutex per database file, so that instances in one JVM queue
 * without holding a thread, then a {@code BEGIN IMMEDIATE} transaction (the driver's default), which
 * takes SQLite's write lock and so excludes other processes. The transaction begins with the time left of
 * the migration-lock timeout as its lock wait, so the driver waits for another process's lock that long;
 * a begin that still fails on a lock before the deadline (SQLite refuses some locks without waiting) is
 * retried until then. The error of a lock not obtained states the time actually waited.
 */
final class SqliteMigrationLock implements MigrationLock {

    /** SQLite's primary result codes for "another connection holds a lock". */
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;

    private static final Map<String, AsyncMutex> MUTEXES = new ConcurrentHashMap<>();

    private final String file;

    /**
     * @param file what identifies the database in this JVM: its canonical path, or a name of its own for an
     *             in-memory database, which is private to its connection factory
     */
    SqliteMigrationLock(String file) {
        this.file = file;
    }

    @Override
    public <R, T> Mono<T> withLock(Database database, Duration timeout, Function<StatementSource, Mono<R>> read,
            BiFunction<StatementSource, R, Mono<T>> write) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            AsyncMutex mutex = MUTEXES.computeIfAbsent(file, k -> new AsyncMutex());
            return Mono.usingWhen(
                    mutex.acquire().timeout(timeout)
                            .onErrorMap(TimeoutException.class, e -> timedOut(database, timeout, start, e)),
                    release -> database.withConnection("migrating the " + database.description(),
                            connection -> Mono.usingWhen(
                                    begin(connection, database, timeout, start, deadline),
                                    c -> read.apply(c::createStatement)
                                            .flatMap(done -> write.apply(c::createStatement, done)),
                                    Connection::commitTransaction,
                                    (c, e) -> c.rollbackTransaction(),
                                    Connection::rollbackTransaction)),
                    release -> Mono.fromRunnable(release),
                    (release, e) -> Mono.fromRunnable(release),
                    release -> Mono.fromRunnable(release));
        });
    }

    private static Mono<Connection> begin(Connection connection, Database database, Duration timeout, long start,
            long deadline) {
        return Mono.defer(() -> Mono.from(connection.beginTransaction(lockWait(deadline))))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(20))
                        .maxBackoff(Duration.ofMillis(500))
                        .jitter(0.5)
                        .filter(e -> isBusy(e) && System.nanoTime() < deadline))
                // still busy at the deadline
                .onErrorMap(SqliteMigrationLock::isBusy, e -> timedOut(database, timeout, start, e))
                .thenReturn(connection);
    }

    /** A transaction whose wait for the writer lane and SQLite's lock ends at {@code deadline} (at least 1 ms). */
    private static TransactionDefinition lockWait(long deadline) {
        Duration left = Duration.ofMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        return new TransactionDefinition() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> @Nullable T getAttribute(Option<T> option) {
                return option.equals(TransactionDefinition.LOCK_WAIT_TIMEOUT) ? (T) left : null;
            }
        };
    }

    private static boolean isBusy(Throwable e) {
        if (!(e instanceof R2dbcException)) {
            return false;
        }
        int primary = ((R2dbcException) e).getErrorCode() & 0xff;
        return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
    }

    private static MigrationException timedOut(Database database, Duration timeout, long start, Throwable cause) {
        return new MigrationException("waited " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                + " ms for the migration lock of the " + database.description() + ", which another instance or"
                + " process holds (migrationLockTimeout " + timeout.toMillis() + " ms); raise migrationLockTimeout"
                + " if its migrations take longer", cause);
    }
}
