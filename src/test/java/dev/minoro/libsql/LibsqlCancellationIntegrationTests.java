package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.contract.ShippedMigrations;
import dev.minoro.testing.HranaRequestCounter;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.R2dbcCalls;
import dev.minoro.testing.RawSql;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Cancellation on a real sqld, seen through a proxy that counts the Hrana streams opened and closed: a migration
 * or a transaction cancelled while any of its requests is on its way leaves no write lock and no open stream on
 * the server (another writer gets {@code BEGIN IMMEDIATE} well before sqld's own remedies: TRANSACTION_TIMEOUT
 * after 5 s, stream expiry after 10 s), and a cancelled call reports no error to Reactor's dropped-error hook.
 */
final class LibsqlCancellationIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Under sqld's 5 s TRANSACTION_TIMEOUT and 10 s stream expiry: only the driver's ROLLBACK frees it sooner. */
    private static final Duration WELL_BEFORE_THE_SERVER = Duration.ofSeconds(4);

    private final List<LibsqlDatabase> databases = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() {
        databases.forEach(LibsqlDatabase::close);
    }

    private LibsqlDatabase database() {
        LibsqlDatabase database = LibsqlServer.database();
        databases.add(database);
        return database;
    }

    /**
     * A fresh migration sends the head query (1), {@code [BEGIN IMMEDIATE, the ledger]} (2) and
     * {@code [the scripts, COMMIT]} (3): cancelled while each is on its way, it leaves the lock free and every stream
     * closed, and the next boot completes the migration.
     */
    @ParameterizedTest(name = "cancelled during request {0}")
    @ValueSource(ints = {1, 2, 3})
    void aMigrationCancelledDuringAnyRequestLeavesNoLockAndNoStream(int request) throws Exception {
        LibsqlDatabase database = database();
        DatabaseConfig direct = DatabaseConfig.sqlite(database.url());
        RawSql.execute(direct, "CREATE TABLE other (id INTEGER PRIMARY KEY)");
        try (HranaRequestCounter proxy = HranaRequestCounter.in(database.url())) {
            // a swap, not a reference set after subscribe(): the request can reach the proxy before subscribe()
            // returns, and a swap disposed by then disposes the subscription as soon as it is given one
            Disposable.Swap migration = Disposables.swap();
            CountDownLatch cancelled = new CountDownLatch(1);
            proxy.beforeForwarding(number -> {
                if (number == request) {
                    migration.dispose();
                    cancelled.countDown();
                }
            });
            migration.update(Minoro.migrateDatabase(DatabaseConfig.sqlite(proxy.url())).subscribe(report -> { },
                    error -> { }));
            assertTrue(cancelled.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the migration reached no request " + request);
            assertTrue(proxy.awaitStreamsClosed(WELL_BEFORE_THE_SERVER), proxy::streams);
            assertTrue(proxy.requests() >= request, () -> proxy.statementsByRequest().toString());
            assertAnotherWriterGetsTheLock(database, "INSERT INTO other (id) VALUES (" + request + ")");
            List<String> statements = proxy.statements();
            if (statements.contains("BEGIN IMMEDIATE") && !statements.contains("COMMIT")) {
                assertTrue(statements.contains("ROLLBACK"), statements::toString);
            }
        }
        Minoro.migrateDatabase(direct).block(TIMEOUT);
        assertEquals((long) ShippedMigrations.latestVersion(),
                RawSql.value(direct, Long.class, "SELECT COUNT(*) FROM minoro_migrations"));
    }

    /**
     * A transaction of three requests ({@code [BEGIN IMMEDIATE, insert]}, {@code [insert]}, {@code [COMMIT, close]})
     * cancelled while each is on its way: its stream is closed, the lock is free and, unless the COMMIT was already
     * sent, nothing of it stands.
     */
    @ParameterizedTest(name = "cancelled during request {0}")
    @ValueSource(ints = {1, 2, 3})
    void aTransactionCancelledDuringAnyRequestLeavesNoLockAndNoStream(int request) throws Exception {
        LibsqlDatabase database = database();
        R2dbcCalls.update(database.factory(), "CREATE TABLE t (v TEXT)").block(TIMEOUT);
        try (HranaRequestCounter proxy = HranaRequestCounter.in(database.url())) {
            LibsqlConnectionFactory factory = new LibsqlConnectionFactory(LibsqlConnectionConfiguration.builder()
                    .url(proxy.url()).build());
            try {
                Disposable.Swap transaction = Disposables.swap();
                CountDownLatch cancelled = new CountDownLatch(1);
                proxy.beforeForwarding(number -> {
                    if (number == request) {
                        transaction.dispose();
                        cancelled.countDown();
                    }
                });
                transaction.update(Mono.usingWhen(factory.create(),
                        c -> Mono.from(c.beginTransaction())
                                .thenMany(c.createStatement("INSERT INTO t VALUES ('first')").execute())
                                .concatMap(Result::getRowsUpdated)
                                .thenMany(c.createStatement("INSERT INTO t VALUES ('second')").execute())
                                .concatMap(Result::getRowsUpdated)
                                .then(Mono.from(c.commitTransaction())),
                        Connection::close)
                        .subscribe(done -> { }, error -> { }));
                assertTrue(cancelled.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "no request " + request);
                assertTrue(proxy.awaitStreamsClosed(WELL_BEFORE_THE_SERVER), proxy::streams);
                assertAnotherWriterGetsTheLock(database, "INSERT INTO t VALUES ('other writer')");
                long expected = request == 3 ? 1 : 0;
                if (request < 3) {
                    assertEquals(0L, count(database, "first"));
                } else {
                    // the COMMIT was on its way when the caller left: it either ran or was rolled back, whole
                    assertEquals(count(database, "first"), count(database, "second"));
                    expected = count(database, "first");
                }
                assertEquals(expected, count(database, "second"));
            } finally {
                factory.close().block(TIMEOUT);
            }
        }
    }

    /**
     * Calls cancelled at every moment (before they are sent, on their way, while their answer is read), in and out
     * of transactions: no error reaches Reactor's dropped-error hook, and afterwards every stream is closed.
     */
    @Test
    void cancelledCallsDropNoErrors() throws Exception {
        LibsqlDatabase database = database();
        R2dbcCalls.update(database.factory(), "CREATE TABLE t (v TEXT)").block(TIMEOUT);
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try (HranaRequestCounter proxy = HranaRequestCounter.in(database.url())) {
            LibsqlConnectionFactory factory = new LibsqlConnectionFactory(LibsqlConnectionConfiguration.builder()
                    .url(proxy.url()).build());
            try {
                List<Function<Connection, Mono<?>>> calls = List.of(
                        c -> Flux.from(c.createStatement("INSERT INTO t VALUES ('auto')").execute())
                                .concatMap(Result::getRowsUpdated).then(),
                        c -> Mono.from(c.beginTransaction())
                                .thenMany(c.createStatement("INSERT INTO t VALUES ('in transaction')").execute())
                                .concatMap(Result::getRowsUpdated)
                                .thenMany(c.createStatement("SELECT count(*) FROM t").execute())
                                .concatMap(r -> r.map(row -> row.get(0, Long.class)))
                                .then(Mono.from(c.commitTransaction())),
                        c -> Mono.from(c.beginTransaction())
                                .thenMany(c.createStatement("INSERT INTO t VALUES ('rolled back')").execute())
                                .concatMap(Result::getRowsUpdated)
                                .then(Mono.from(c.rollbackTransaction())));
                int rounds = 60;
                List<Mono<?>> cancelled = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    Function<Connection, Mono<?>> call = calls.get(i % calls.size());
                    // cancelled after 0 to 19 ms: before the request, during it, or while its answer is handled
                    cancelled.add(Mono.usingWhen(factory.create(), call::apply, Connection::close)
                            .take(Duration.ofMillis(i % 20))
                            .onErrorResume(e -> Mono.empty()));
                }
                Flux.merge(Flux.fromIterable(cancelled), 8).then().block(TIMEOUT);
                assertTrue(proxy.awaitStreamsClosed(WELL_BEFORE_THE_SERVER), proxy::streams);
                assertAnotherWriterGetsTheLock(database, "INSERT INTO t VALUES ('other writer')");
            } finally {
                factory.close().block(TIMEOUT);
            }
        } finally {
            Hooks.resetOnErrorDropped();
        }
        assertEquals(List.of(), dropped.stream().map(Throwable::toString).toList());
    }

    /** A write transaction of another connection starts and commits within {@link #WELL_BEFORE_THE_SERVER}. */
    private static void assertAnotherWriterGetsTheLock(LibsqlDatabase database, String insert) {
        LibsqlConnectionFactory factory = database.factory();
        try {
            Mono.usingWhen(factory.create(),
                            c -> Mono.from(c.setStatementTimeout(WELL_BEFORE_THE_SERVER))
                                    .then(Mono.from(c.beginTransaction()))
                                    .thenMany(c.createStatement(insert).execute())
                                    .concatMap(Result::getRowsUpdated)
                                    .then(Mono.from(c.commitTransaction())),
                            Connection::close)
                    .as(StepVerifier::create)
                    .verifyComplete();
        } finally {
            factory.close().block(TIMEOUT);
        }
    }

    private static long count(LibsqlDatabase database, String value) {
        LibsqlConnectionFactory factory = database.factory();
        try {
            return R2dbcCalls.query(factory, "SELECT count(*) FROM t WHERE v = ?", row -> row.get(0, Long.class),
                    value).blockLast(TIMEOUT);
        } finally {
            factory.close().block(TIMEOUT);
        }
    }
}
