package dev.minoro.internal.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.MigrationException;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The PostgreSQL migration lock against a real server: two holders, deadlines, release on every path. */
@Tag(PostgresServer.BOTH_MAJORS)
@ExtendWith(PostgresServer.class)
final class AdvisoryLockIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void secondHolderWaitsForTheFirstThenProceeds(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE holders (seq serial PRIMARY KEY, name text NOT NULL)");
        Database database = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            CountDownLatch firstHolds = new CountDownLatch(1);
            Sinks.Empty<Void> releaseFirst = Sinks.empty();
            Mono<String> first = locked(database, TIMEOUT, c -> insert(c, "first")
                    .then(Mono.fromRunnable(firstHolds::countDown))
                    .then(releaseFirst.asMono())
                    .thenReturn("first done"));
            Mono<String> second = locked(database, TIMEOUT, c -> insert(c, "second").thenReturn("second done"));

            Disposable running = first.subscribe();
            assertTrue(firstHolds.await(30, TimeUnit.SECONDS), "the first holder never got the lock");
            second.as(StepVerifier::create)
                    .expectSubscription()
                    .then(() -> awaitSessionsThatTriedTheLock(db, 1))
                    // What must not happen is the point: while the first holds the lock, the second keeps polling
                    // (pauses of 25 ms doubling to 500 ms, with jitter) and does nothing else. 300 ms: a few more
                    // tries after the first refused one.
                    .expectNoEvent(Duration.ofMillis(300))
                    .then(() -> assertEquals(List.of("first"), uncommittedNotVisible(db)))
                    .then(releaseFirst::tryEmitEmpty)
                    .expectNext("second done")
                    .expectComplete()
                    .verify(TIMEOUT);
            assertTrue(running.isDisposed());
            assertEquals(List.of("first", "second"), db.queryStrings("SELECT name FROM holders ORDER BY seq"));
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    /**
     * Polls the server, up to {@code TIMEOUT}, until {@code sessions} sessions of this database have tried the
     * advisory lock as their last statement and are still in their transaction: a waiter has polled at least once.
     */
    private static void awaitSessionsThatTriedTheLock(PostgresDatabase db, int sessions) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND state = 'idle in transaction' AND query LIKE 'SELECT pg_try_advisory_xact_lock%'";
        while (Long.parseLong(db.queryStrings(sql).get(0)) < sessions) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + sessions + " sessions tried the lock");
            // a poll of the server's view, not a wait for time to pass: it ends as soon as the condition holds
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** What another session sees while the first holder's transaction is open: its row only after commit. */
    private static List<String> uncommittedNotVisible(PostgresDatabase db) {
        List<String> seen = db.queryStrings("SELECT name FROM holders ORDER BY seq");
        return seen.isEmpty() ? List.of("first") : List.of("unexpected: " + seen);
    }

    @Test
    void failsWithAMigrationExceptionAtTheDeadline(PostgresDatabase db) throws Exception {
        Database database = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            CountDownLatch firstHolds = new CountDownLatch(1);
            Sinks.Empty<Void> releaseFirst = Sinks.empty();
            Disposable running = locked(database, TIMEOUT, c -> Mono.fromRunnable(firstHolds::countDown)
                    .then(releaseFirst.asMono())).subscribe();
            assertTrue(firstHolds.await(30, TimeUnit.SECONDS));

            long started = System.nanoTime();
            locked(database, Duration.ofMillis(400), c -> Mono.just("never"))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(MigrationException.class, e);
                        assertEquals("another instance held the migration lock of " + database.description()
                                + " for longer than the migration lock timeout of PT0.4S; it may still be migrating"
                                + " (raise DatabaseConfig.withMigrationLockTimeout), or a session holding it may be"
                                + " stuck (see pg_locks where locktype = 'advisory')", e.getMessage());
                    })
                    .verify(TIMEOUT);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // It waited out its deadline (a busy machine only makes the wait longer), and what ended the wait was that
            // deadline, not the lock coming free: the first holder still holds it. A wait without a deadline fails
            // verify(TIMEOUT) above; no upper bound on the time, which a noisy machine can stretch.
            assertTrue(waitedMillis >= 400, "failed after " + waitedMillis + " ms, before its deadline of 400 ms");
            assertFalse(running.isDisposed(), "the first holder's work ended before the second gave up");
            assertEquals(List.of("1"), db.queryStrings("SELECT count(*) FROM pg_locks l JOIN pg_database d"
                    + " ON d.oid = l.database WHERE d.datname = current_database() AND l.locktype = 'advisory'"
                    + " AND l.granted"), "the first holder still holds the advisory lock");

            releaseFirst.tryEmitEmpty();
            // Released with its transaction: the next holder gets it at once.
            locked(database, Duration.ofSeconds(5), c -> Mono.just("next")).as(StepVerifier::create)
                    .expectNext("next").expectComplete().verify(TIMEOUT);
            running.dispose();
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void failedWorkRollsBackAndReleasesTheLock(PostgresDatabase db) {
        Database database = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            locked(database, TIMEOUT, c -> execute(c, "CREATE TABLE half_done (id int)")
                            .then(execute(c, "SELECT * FROM no_such_table")))
                    .as(StepVerifier::create)
                    .expectError()
                    .verify(TIMEOUT);
            assertEquals(List.of("0"), db.queryStrings("SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"));
            locked(database, Duration.ofSeconds(2), c -> Mono.just("free")).as(StepVerifier::create)
                    .expectNext("free").expectComplete().verify(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void cancellingReleasesTheLock(PostgresDatabase db) throws Exception {
        Database database = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            CountDownLatch holds = new CountDownLatch(1);
            Disposable holder = locked(database, TIMEOUT,
                    c -> Mono.fromRunnable(holds::countDown).then(Mono.never())).subscribe();
            assertTrue(holds.await(30, TimeUnit.SECONDS));
            holder.dispose();
            locked(database, Duration.ofSeconds(10), c -> Mono.just("after cancel")).as(StepVerifier::create)
                    .expectNext("after cancel").expectComplete().verify(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void cancellingAWaiterRollsItsTransactionBackAndReturnsItsConnection(PostgresDatabase db) throws Exception {
        Database database = MinoroRuntime.open(db.config().withPoolSize(0, 2)).block(TIMEOUT);
        try {
            CountDownLatch holds = new CountDownLatch(1);
            Sinks.Empty<Void> release = Sinks.empty();
            java.util.concurrent.CompletableFuture<Void> holder = locked(database, TIMEOUT,
                    c -> Mono.fromRunnable(holds::countDown).then(release.asMono())).toFuture();
            assertTrue(holds.await(30, TimeUnit.SECONDS));
            locked(database, TIMEOUT, c -> Mono.just("never"))
                    .as(StepVerifier::create)
                    .expectSubscription()
                    // the holder's last statement took the lock; the waiter's has been refused it
                    .then(() -> awaitSessionsThatTriedTheLock(db, 2))
                    .thenCancel()
                    .verify(TIMEOUT);
            release.tryEmitEmpty();
            holder.get(30, TimeUnit.SECONDS);
            // Both connections are usable again: one holds the lock, the other is refused it within its deadline.
            locked(database, TIMEOUT, c -> locked(database, Duration.ofMillis(500), d -> Mono.just("twice"))
                            .onErrorReturn(MigrationException.class, "once"))
                    .as(StepVerifier::create)
                    .expectNext("once")
                    .expectComplete()
                    .verify(TIMEOUT);
            assertEquals(List.of("0"), db.queryStrings("SELECT count(*) FROM pg_stat_activity WHERE datname ="
                    + " current_database() AND state LIKE 'idle in transaction%'"));
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void takesATransactionLockOnAStableKeyAndBoundsLockWaits(PostgresDatabase db) throws Exception {
        Database database = MinoroRuntime.open(db.config().withSchema("auth")).block(TIMEOUT);
        try {
            List<String> seen = locked(database, Duration.ofSeconds(7), c -> Flux.from(c.createStatement(
                                    "SELECT current_setting('lock_timeout') || ' ' || l.classid || ' ' || l.objid || ' '"
                                            + " || l.objsubid FROM pg_locks l WHERE l.locktype = 'advisory'"
                                            + " AND l.pid = pg_backend_pid()").execute())
                            .flatMap(r -> r.map((row, meta) -> row.get(0, String.class)))
                            .collectList())
                    .block(TIMEOUT);
            // A bigint key shows as its high and low halves; objsubid 1 marks a single-bigint key.
            long key = expectedKey("postgresql schema auth");
            assertEquals(List.of("7s " + (key >>> 32) + " " + (key & 0xffffffffL) + " 1"), seen);
            // The key is an on-disk contract between versions of Minoro: it must never change.
            assertEquals(pinnedKeyOfSchemaAuth(), key);
            // Transaction-scoped: nothing is left once the work is done.
            assertEquals(List.of("0"), db.queryStrings("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"));
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void differentSchemasDoNotWaitForEachOther(PostgresDatabase db) throws Exception {
        Database auth = MinoroRuntime.open(db.config().withSchema("auth")).block(TIMEOUT);
        Database other = MinoroRuntime.open(db.config().withSchema("other")).block(TIMEOUT);
        try {
            CountDownLatch holds = new CountDownLatch(1);
            Sinks.Empty<Void> release = Sinks.empty();
            StepVerifier holder = locked(auth, TIMEOUT, c -> Mono.fromRunnable(holds::countDown)
                    .then(release.asMono())).as(StepVerifier::create).expectComplete().verifyLater();
            assertTrue(holds.await(30, TimeUnit.SECONDS));
            locked(other, Duration.ofSeconds(2), c -> Mono.just("independent")).as(StepVerifier::create)
                    .expectNext("independent").expectComplete().verify(TIMEOUT);
            // the holder ends its transaction before the databases close: cancelling it instead, just before the
            // close, left its end of transaction to fail on a closed connection after the cancel (onErrorDropped)
            release.tryEmitEmpty();
            holder.verify(TIMEOUT);
        } finally {
            auth.close().block(TIMEOUT);
            other.close().block(TIMEOUT);
        }
    }

    @Test
    void createsTheConfiguredSchemaInsideTheLock(PostgresDatabase db) {
        Database database = MinoroRuntime.open(db.config().withSchema("Minoro_Auth")).block(TIMEOUT);
        try {
            assertEquals(List.of(), db.queryStrings("SELECT nspname FROM pg_namespace WHERE nspname = 'minoro_auth'"));
            locked(database, TIMEOUT, c -> database.dialect().prepareSchema(c)
                    .then(execute(c, "CREATE TABLE minoro_probe (id int)"))).block(TIMEOUT);
            assertEquals(List.of("minoro_auth"), db.queryStrings(
                    "SELECT schemaname FROM pg_tables WHERE tablename = 'minoro_probe'"));
            // Present now: the next holder only looks it up.
            locked(database, TIMEOUT, c -> database.dialect().prepareSchema(c).thenReturn("again"))
                    .as(StepVerifier::create)
                    .expectNext("again").expectComplete().verify(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void aSchemaThatTheConnectionsDoNotUseFailsClearly(PostgresDatabase db) {
        Database plain = MinoroRuntime.open(db.config()).block(TIMEOUT);
        // As if a pooler had dropped the search_path startup parameter: the dialect names a schema the
        // connections do not have first in their search_path.
        Database misrouted = Database.of(plain.connections(), new PostgresDialect(new PostgresErrorTranslator(
                        PostgresConnectionString.parse(db.config().connection()), false, 10, Duration.ofSeconds(30)),
                "lost", plain.description()), plain.description(), plain::close);
        try {
            locked(misrouted, TIMEOUT, c -> misrouted.dialect().prepareSchema(c)
                    .then(execute(c, "CREATE TABLE minoro_probe (id int)")))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(MigrationException.class, e);
                        assertTrue(e.getMessage().startsWith("Minoro's schema 'lost' is not the current schema of"
                                + " connections to " + plain.description() + " (it is 'public')"), e.getMessage());
                    })
                    .verify(TIMEOUT);
            // Rolled back: neither the schema nor the table stayed.
            assertEquals(List.of("0"), db.queryStrings("SELECT count(*) FROM pg_namespace WHERE nspname = 'lost'"));
            assertEquals(List.of("0"), db.queryStrings("SELECT count(*) FROM pg_tables WHERE tablename = 'minoro_probe'"));
        } finally {
            plain.close().block(TIMEOUT);
        }
    }

    /** {@code work} holding the database's own migration lock, as the migrator's first step would. */
    private static <T> Mono<T> locked(Database database, Duration timeout, Function<StatementSource, Mono<T>> work) {
        return database.dialect().migrationLock().withLock(database, timeout, work, (c, done) -> Mono.just(done));
    }

    /** Written down once, when the key was first derived; recomputing it here would prove nothing. */
    private static long pinnedKeyOfSchemaAuth() {
        return -183785515014926309L;
    }

    private static long expectedKey(String lockKey) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(("minoro migrations: " + lockKey).getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    }

    private static Mono<Void> insert(StatementSource c, String name) {
        return Flux.from(c.createStatement("INSERT INTO holders (name) VALUES ($1)").bind(0, name).execute())
                .flatMap(r -> r.getRowsUpdated()).then();
    }

    private static Mono<Void> execute(StatementSource c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).then();
    }
}
