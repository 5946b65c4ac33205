package dev.minoro.internal.migration;

import dev.minoro.internal.database.Database;
import io.r2dbc.spi.Connection;
import java.time.Duration;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Serialises the slow path of migrations between every instance and process that share a database:
 * exactly one holds the lock and applies scripts, the others wait and then find the work done.
 */
public interface MigrationLock {

    /**
     * A cold {@code Mono} that runs {@code work} on one connection, inside one transaction, while
     * holding the database's migration lock, waiting at most {@code timeout} to get it. The
     * transaction commits when the work completes and rolls back when it fails or is cancelled; the
     * lock is released in every case.
     *
     * @throws dev.minoro.MigrationException (signalled) when the lock was not obtained within
     *                                       {@code timeout}, naming the database and the timeout
     */
    <T> Mono<T> withLock(Database database, Duration timeout, Function<Connection, Mono<T>> work);
}
