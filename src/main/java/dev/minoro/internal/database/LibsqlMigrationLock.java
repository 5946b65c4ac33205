package dev.minoro.internal.database;

import dev.minoro.MigrationException;
import dev.minoro.MinoroException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A remote libSQL server's migration lock: the server's write lock, taken by {@code BEGIN IMMEDIATE} and held for
 * two requests. sqld rolls back a write transaction that has held the lock for 5 s once another writer waits
 * ({@code TRANSACTION_TIMEOUT}) and forgets a stream after 10 s without a request ({@code STREAM_EXPIRED}), and
 * every request is a network round trip, so the locked work goes through a {@link WriteBehindStatements}: the
 * first request is {@code [BEGIN IMMEDIATE, the ledger created, the ledger read]}, the second
 * {@code [the pending scripts and their ledger rows, COMMIT]}. A waiter waits on the server (sqld lets
 * {@code BEGIN IMMEDIATE} wait up to about 5 s for the lock). A whole attempt, the migrator's one-statement check
 * included, is tried again with jittered backoff after a conflict ({@code TRANSACTION_TIMEOUT},
 * {@code STREAM_EXPIRED}, {@code SQLITE_BUSY}) until the migration-lock timeout: most waiters then find the work
 * done without taking the lock. A cancelled or failed migration rolls back and closes its stream
 * ({@link Database#withConnection} closes the connection, which sends {@code ROLLBACK} and the close).
 *
 * <p>No JVM-local mutex: instances in one JVM wait on the server like processes elsewhere, holding no thread.
 */
final class LibsqlMigrationLock implements MigrationLock {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    @Override
    public <R, T> Mono<T> withLock(Database database, Duration timeout, Function<StatementSource, Mono<R>> read,
            BiFunction<StatementSource, R, Mono<T>> write) {
        return database.withConnection("migrating the " + database.description(), connection -> {
            WriteBehindStatements writeBehind = new WriteBehindStatements(connection);
            return Mono.usingWhen(
                    Mono.from(connection.beginTransaction()).thenReturn(writeBehind),
                    c -> read.apply(c).flatMap(done -> write.apply(c, done)),
                    c -> c.commitTransaction().onErrorMap(e -> !(e instanceof MinoroException) && !isConflict(e),
                            e -> new MigrationException("applying the pending migrations to the "
                                    + database.description() + " failed and was rolled back: " + e.getMessage(), e)),
                    (c, e) -> c.rollbackTransaction(),
                    WriteBehindStatements::rollbackTransaction);
        });
    }

    /**
     * {@code attempt} again, after a jittered pause, each time it fails with a conflict, until {@code timeout}
     * after the first try; then a {@link MigrationException} that says how long it tried.
     */
    @Override
    public <T> Mono<T> retried(Database database, Duration timeout, Mono<T> attempt) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            return attempt
                    .retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_BACKOFF)
                            .maxBackoff(MAX_BACKOFF)
                            .jitter(0.5)
                            .filter(e -> isConflict(e) && System.nanoTime() < deadline))
                    .onErrorMap(LibsqlMigrationLock::isConflict, e -> new MigrationException("tried for "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms to migrate the "
                            + database.description() + ", but another instance or process kept the write lock, or the"
                            + " server rolled the migration back each time (migrationLockTimeout " + timeout.toMillis()
                            + " ms; last: " + e.getMessage() + "); raise migrationLockTimeout if its migrations take"
                            + " longer", e));
        });
    }

    private static boolean isConflict(Throwable error) {
        return LibsqlErrorTranslator.isTransientConflict(error);
    }
}
