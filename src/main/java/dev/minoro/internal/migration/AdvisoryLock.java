package dev.minoro.internal.migration;

import dev.minoro.MigrationException;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.database.PostgresLockKey;
import io.r2dbc.spi.Connection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * <p>The lock's key is derived from the {@link Database#lockKey()} (the schema), so every instance of
 * every process that uses the same schema of the same database takes the same lock. When a schema is
 * configured, it is created inside the lock if missing, and the connection's {@code search_path} is
 * checked to resolve to it: a pooler that drops the startup parameter would otherwise send Minoro's
 * tables elsewhere.
 */
public final class AdvisoryLock implements MigrationLock {

    /** The first pause between two tries; doubles up to {@link #MAX_PAUSE}, each time with jitter. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(25);
    static final Duration MAX_PAUSE = Duration.ofMillis(500);

    private final Scheduler timer;

    /** A lock that waits between tries on Reactor's parallel scheduler. */
    public AdvisoryLock() {
        this(Schedulers.parallel());
    }

    /** A lock that waits between tries, and reads the time, on {@code timer}. */
    AdvisoryLock(Scheduler timer) {
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
     *                            the lock for longer; or when the configured schema is not the connection's
     *                            current schema after it was created
     */
    @Override
    public <T> Mono<T> withLock(Database database, Duration timeout, Function<Connection, Mono<T>> work) {
        return Mono.defer(() -> {
            long key = key(database.lockKey());
            String schema = PostgresLockKey.schema(database.lockKey());
            long deadline = timer.now(TimeUnit.MILLISECONDS) + timeout.toMillis();
            return database.inTransaction("taking the migration lock of " + database.description(), connection ->
                    execute(connection, "SET LOCAL lock_timeout = '" + Math.max(1, timeout.toMillis()) + "ms'")
                            .then(acquire(connection, key, deadline, FIRST_PAUSE, database, timeout))
                            .then(schema == null ? Mono.empty() : useSchema(connection, schema, database))
                            .then(Mono.defer(() -> work.apply(connection))));
        });
    }

    /**
     * The advisory-lock key for {@code lockKey}: the first 8 bytes of its SHA-256, so that it is the same in
     * every process and every version of Minoro, and unlikely to meet an application's own keys.
     */
    static long key(String lockKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("minoro migrations: " + lockKey).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private Mono<Void> acquire(Connection connection, long key, long deadline, Duration pause, Database database,
            Duration timeout) {
        return tryLock(connection, key).flatMap(held -> {
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
                    .then(Mono.defer(() -> acquire(connection, key, deadline, next, database, timeout)));
        });
    }

    private static Mono<Boolean> tryLock(Connection connection, long key) {
        return Mono.from(connection.createStatement("SELECT pg_try_advisory_xact_lock($1)").bind(0, key).execute())
                .flatMap(result -> Mono.from(result.map((row, metadata) -> Boolean.TRUE.equals(row.get(0, Boolean.class)))))
                .defaultIfEmpty(false);
    }

    /** Creates {@code schema} when it is missing, then checks that unqualified names resolve to it. */
    private static Mono<Void> useSchema(Connection connection, String schema, Database database) {
        // Looked up first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
        Mono<Boolean> exists = Mono.from(connection.createStatement("SELECT 1 FROM pg_namespace WHERE nspname = $1")
                        .bind(0, schema).execute())
                .flatMap(result -> Mono.from(result.map((row, metadata) -> true)))
                .defaultIfEmpty(false);
        Mono<String> current = Mono.from(connection.createStatement("SELECT current_schema()").execute())
                .flatMap(result -> Mono.from(result.map((row, metadata) -> String.valueOf(row.get(0, String.class)))));
        return exists
                .flatMap(present -> present ? Mono.<Void>empty() : execute(connection, "CREATE SCHEMA \"" + schema + "\""))
                .then(current)
                .flatMap(name -> schema.equals(name) ? Mono.<Void>empty() : Mono.error(new MigrationException(
                        "Minoro's schema '" + schema + "' is not the current schema of connections to "
                                + database.description() + " (it is '" + name + "'): the search_path startup parameter"
                                + " did not arrive; a connection pooler may drop it (PgBouncer 1.20+ passes it with"
                                + " track_extra_parameters = search_path), or set the role's own search_path with"
                                + " ALTER ROLE ... SET search_path")));
    }

    private static Mono<Void> execute(Connection connection, String sql) {
        return Mono.from(connection.createStatement(sql).execute())
                .flatMap(result -> Mono.from(result.getRowsUpdated()))
                .then();
    }
}
