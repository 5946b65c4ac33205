package dev.minoro.internal.migration;

import dev.minoro.MigrationException;
import dev.minoro.internal.database.Database;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * SQLite's migration lock: a JVM-local mutex per database file, so that instances in one JVM queue
 * without holding a thread, then a {@code BEGIN IMMEDIATE} transaction (the driver's default), which
 * takes SQLite's write lock and so excludes other processes. While another process holds the write
 * lock past the connection's busy timeout, beginning is retried until the deadline.
 */
final class SqliteMigrationLock implements MigrationLock {

    /** SQLite's primary result codes for "another connection holds a lock". */
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;

    private static final Map<String, AsyncMutex> MUTEXES = new ConcurrentHashMap<>();

    @Override
    public <T> Mono<T> withLock(Database database, Duration timeout, Function<Connection, Mono<T>> work) {
        return Mono.defer(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            AsyncMutex mutex = MUTEXES.computeIfAbsent(database.lockKey(), k -> new AsyncMutex());
            return Mono.usingWhen(
                    mutex.acquire().timeout(timeout).onErrorMap(TimeoutException.class, e -> timedOut(database, timeout, e)),
                    release -> database.withConnection("migrating the " + database.description(),
                            connection -> Mono.usingWhen(
                                    begin(connection, database, timeout, deadline),
                                    work,
                                    Connection::commitTransaction,
                                    (c, e) -> c.rollbackTransaction(),
                                    Connection::rollbackTransaction)),
                    release -> Mono.fromRunnable(release),
                    (release, e) -> Mono.fromRunnable(release),
                    release -> Mono.fromRunnable(release));
        });
    }

    private static Mono<Connection> begin(Connection connection, Database database, Duration timeout, long deadline) {
        return Mono.from(connection.beginTransaction())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(20))
                        .maxBackoff(Duration.ofMillis(500))
                        .jitter(0.5)
                        .filter(e -> isBusy(e) && System.nanoTime() < deadline))
                // still busy after the deadline
                .onErrorMap(SqliteMigrationLock::isBusy, e -> timedOut(database, timeout, e))
                .thenReturn(connection);
    }

    private static boolean isBusy(Throwable e) {
        if (!(e instanceof R2dbcException)) {
            return false;
        }
        int primary = ((R2dbcException) e).getErrorCode() & 0xff;
        return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
    }

    private static MigrationException timedOut(Database database, Duration timeout, Throwable cause) {
        return new MigrationException("waited " + timeout.toMillis() + " ms for the migration lock of the "
                + database.description() + ", which another instance or process holds; raise"
                + " migrationLockTimeout if its migrations take longer", cause);
    }
}
