package dev.minoro.internal.database;

import dev.minoro.MigrationException;
import io.r2dbc.spi.Connection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * PostgreSQL's migration lock: a transaction-scoped advisory lock, polled with
 * {@code pg_try_advisory_xact_lock} until a deadline.
 *
 * <p>Never the blocking {@code pg_advisory_lock} and never a session lock: a transaction lock is released
 * with its transaction, whatever happens to the process, and works behind transaction poolers (PgBouncer,
 * Supabase, Neon), which hand each transaction to any server connection. Polling rather than waiting in the
 * server keeps the deadline Minoro's own. {@code SET LOCAL lock_timeout} bounds how long the migration's DDL
 * may queue for a table lock, and so how long it can hold up the application's queries queued behind it.
 *
 * <p>The lock's key is derived from the schema that Minoro's tables live in, so every instance of every process
 * that uses the same schema of the same database takes the same lock. Host, port and database are left out on
 * purpose: the same database reached through a pooler and directly, or as {@code localhost} and
 * {@code 127.0.0.1}, must take the same lock, and PostgreSQL's advisory locks are per database already.
 */
final class AdvisoryLock implements MigrationLock {

    /** The first pause between two tries; doubles up to {@link #MAX_PAUSE}, each time with jitter. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(25);
    static final Duration MAX_PAUSE = Duration.ofMillis(500);

    private final long key;
    private final Scheduler timer;

    /**
     * The lock for Minoro's tables in {@code schema} or, when null, in the connections' default schema (the first
     * of their {@code search_path}); it waits between tries on Reactor's parallel scheduler.
     */
    AdvisoryLock(@Nullable String schema) {
        this(schema, Schedulers.parallel());
    }

    /** {@link #AdvisoryLock(String)} waiting between tries, and reading the time, on {@code timer}. */
    AdvisoryLock(@Nullable String schema, Scheduler timer) {
        this.key = key(schema == null ? "postgresql search_path" : "postgresql schema " + schema);
        this.timer = timer;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Cold: each subscription takes a connection from the database, begins a transaction, and polls for
     * the lock, pausing on this lock's timer between tries (no thread waits). The work runs on the
     * connection's event loop. Cancelling rolls the transaction back, which releases the lock.
     *
     * @throws MigrationException (signalled) naming the database and {@code timeout} when another holder kept
     *                            the lock for longer
     */
    @Override
    public <R, T> Mono<T> withLock(Database database, Duration timeout, Function<StatementSource, Mono<R>> read,
            BiFunction<StatementSource, R, Mono<T>> write) {
        return Mono.defer(() -> {
            long deadline = timer.now(TimeUnit.MILLISECONDS) + timeout.toMillis();
            return database.inTransaction("taking the migration lock of " + database.description(), connection ->
                    execute(connection, "SET LOCAL lock_timeout = '" + Math.max(1, timeout.toMillis()) + "ms'")
                            .then(acquire(connection, deadline, FIRST_PAUSE, database, timeout))
                            .then(Mono.defer(() -> read.apply(connection::createStatement)))
                            .flatMap(done -> write.apply(connection::createStatement, done)));
        });
    }

    /**
     * The advisory-lock key for {@code lockKey}: the first 8 bytes of its SHA-256, so that it is the same in
     * every process and every version of Minoro (an on-disk contract: old and new versions must take the same
     * lock), and unlikely to meet an application's own keys.
     */
    private static long key(String lockKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("minoro migrations: " + lockKey).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private Mono<Void> acquire(Connection connection, long deadline, Duration pause, Database database,
            Duration timeout) {
        return tryLock(connection).flatMap(held -> {
            if (held) {
                return Mono.<Void>empty();
            }
            long now = timer.now(TimeUnit.MILLISECONDS);
            if (now >= deadline) {
                return Mono.error(new MigrationException("another instance held the migration lock of "
                        + database.description() + " for longer than the migration lock timeout of " + timeout
                        + "; it may still be migrating (raise DatabaseConfig.withMigrationLockTimeout), or a"
                        + " session holding it may be stuck (see pg_locks where locktype = 'advisory')"));
            }
            // Full jitter keeps many booting instances from polling in step.
            long sleep = ThreadLocalRandom.current().nextLong(pause.toMillis() / 2, pause.toMillis() + 1);
            sleep = Math.max(1, Math.min(sleep, deadline - now));
            Duration next = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            return Mono.delay(Duration.ofMillis(sleep), timer)
                    .then(Mono.defer(() -> acquire(connection, deadline, next, database, timeout)));
        });
    }

    private Mono<Boolean> tryLock(Connection connection) {
        return Mono.from(connection.createStatement("SELECT pg_try_advisory_xact_lock($1)").bind(0, key).execute())
                .flatMap(result -> Mono.from(result.map(
                        (row, metadata) -> Boolean.TRUE.equals(row.get(0, Boolean.class)))))
                .defaultIfEmpty(false);
    }

    private static Mono<Void> execute(Connection connection, String sql) {
        return Mono.from(connection.createStatement(sql).execute())
                .flatMap(result -> Mono.from(result.getRowsUpdated()))
                .then();
    }
}
