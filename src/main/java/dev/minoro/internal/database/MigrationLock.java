package dev.minoro.internal.database;

import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Serialises the slow path of migrations between every instance and process that share a database:
 * exactly one holds the lock and applies scripts, the others wait and then find the work done. Each
 * {@link Dialect} has its own.
 *
 * <p>The locked work comes in its two steps, so that a lock may shape its transaction around them (a remote
 * database's lock, for one, may send each step as one request): {@code read} makes the schema ready and reads
 * the ledger; {@code write} applies what is pending and records it, reading nothing.
 */
public interface MigrationLock {

    /**
     * A cold {@code Mono} that runs {@code read}, then {@code write} with what {@code read} emitted (nothing, when
     * it completes empty), with the statements of one connection, inside one transaction, while holding the
     * database's migration lock, waiting at most {@code timeout} to get it. The transaction commits when the work
     * completes and rolls back when it fails or is cancelled; the lock is released in every case.
     *
     * @throws dev.minoro.MigrationException (signalled) when the lock was not obtained within
     *                                       {@code timeout}, naming the database and the timeout
     */
    <R, T> Mono<T> withLock(Database database, Duration timeout, Function<StatementSource, Mono<R>> read,
            BiFunction<StatementSource, R, Mono<T>> write);

    /**
     * {@code attempt}, a whole migration attempt (the one-statement check, then {@link #withLock} when needed), as
     * this lock wants it repeated: a lock whose database may roll the locked work back under it (a remote server)
     * tries it again, so that each try starts with the check and most find the work done. By default, once.
     *
     * @param timeout the migration-lock timeout, which bounds the tries together
     */
    default <T> Mono<T> retried(Database database, Duration timeout, Mono<T> attempt) {
        return attempt;
    }
}
