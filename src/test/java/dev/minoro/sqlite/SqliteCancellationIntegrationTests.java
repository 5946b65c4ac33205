package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.query;
import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Result;
import java.time.Duration;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A subscriber that cancels, or a timeout, leaves no statement running and no lane leased: a statement left
 * running, or a lease never given back, shows as a lane that stays leased.
 */
final class SqliteCancellationIntegrationTests {

    /** Counts for minutes unless interrupted. */
    private static final String ENDLESS =
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("cancel.db", "CREATE TABLE t (v INTEGER);"
            + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)"
            + " INSERT INTO t SELECT i FROM n").withOptions(b -> b.readerLanes(1));

    private SqliteConnectionFactory factory;

    @BeforeEach
    void open() {
        factory = sqlite.open();
    }

    /**
     * The cancelled call gives its lane back, and the next read runs and leaves no lane leased and no lease
     * waiting. A cancel reaches the lane a moment after the subscriber has seen its stream end (the cleanup of
     * {@code usingWhen} and the lane's task run beside it), and the read need not wait for that lane (with no
     * reader lane open yet, the cancelled call may have run on the writer lane, and the read then opens the reader
     * lane), so the test waits for the lease to come back, boundedly: a statement still running or a lease never
     * given back fails it.
     */
    private void nothingLeasedAndReadsStillWork() {
        SqliteTesting.awaitNothingLeased(factory);
        query(factory, "SELECT count(*) FROM t WHERE v > 0", r -> r.get(0, Long.class))
                .as(StepVerifier::create).expectNext(10000L).verifyComplete();
        assertEquals(0, factory.metrics().acquiredSize(), "lanes leased");
        assertEquals(0, factory.metrics().pendingAcquireSize(), "leases waiting");
    }

    @Test
    void cancellingAStreamingResultClosesItsStatementAndReleasesTheLane() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("SELECT v FROM t ORDER BY v")
                        .fetchSize(10).execute()).concatMap(r -> r.map(row -> row.get(0, Integer.class))),
                Connection::close)
                .take(25)
                .as(StepVerifier::create).expectNextCount(25).verifyComplete();
        nothingLeasedAndReadsStillWork();
    }

    @Test
    void cancellingWithoutClosingTheConnectionAlsoReleasesTheLane() {
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Flux.from(connection.createStatement("SELECT v FROM t").fetchSize(5).execute())
                    .concatMap(r -> r.map(row -> row.get(0)))
                    .as(p -> StepVerifier.create(p, 3))
                    .expectNextCount(3)
                    .thenCancel()
                    .verify(SqliteTesting.TIMEOUT);
            nothingLeasedAndReadsStillWork();
        } finally {
            Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void cancellingARunningQueryInterruptsIt() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(ENDLESS).execute())
                        .concatMap(r -> r.map(row -> row.get(0))), Connection::close)
                // cancels while SQLite counts: only an interrupt stops it
                .take(Duration.ofMillis(300))
                .as(StepVerifier::create)
                .verifyComplete();
        nothingLeasedAndReadsStillWork();
    }

    /**
     * A cancel that comes as the statement is about to start, after its task has begun but before SQLite runs it,
     * still stops it: {@code sqlite3_interrupt} is a no-op while no statement runs, so the endless query would
     * otherwise hold the one reader lane for ever and the next read would never run. The moment of the cancel
     * moves a little every round, through the driver's direct path and through a connection's statement.
     */
    @Test
    void aCancelJustAsTheStatementStartsStillStopsIt() {
        List<Function<Integer, Flux<?>>> paths = List.of(
                round -> factory.query(ENDLESS, row -> row.get(0)),
                round -> query(factory, ENDLESS, row -> row.get(0)));
        for (int path = 0; path < paths.size(); path++) {
            for (int round = 0; round < 200; round++) {
                Disposable endless = paths.get(path).apply(round).subscribe(value -> { }, error -> { });
                while (factory.metrics().acquiredSize() == 0) {
                    Thread.onSpinWait();
                }
                for (int spin = 0; spin < (round % 50) * 20; spin++) {
                    Thread.onSpinWait();
                }
                endless.dispose();
                String where = "path " + path + ", round " + round;
                assertEquals(1L, factory.query("SELECT count(*) FROM t WHERE v = 1", row -> row.get(0, Long.class))
                        .blockLast(Duration.ofSeconds(10)), where);
            }
        }
        SqliteTesting.awaitNothingLeased(factory);
        nothingLeasedAndReadsStillWork();
    }

    /**
     * A write cancelled while it runs leaves no transaction open on the writer lane. sqlite-jdbc ends each
     * auto-commit statement with a {@code begin;} and a {@code commit;} of its own; the lane's progress handler,
     * asked every 1000 instructions of a prepared statement counted across its runs, stopped that {@code commit;}
     * for a cancelled write now and then, and left the {@code begin;}'s transaction open: the lane's next
     * transaction then failed with "cannot start a transaction within a transaction" (seen in CI in the stress
     * test). Here each write waits in a SQL function until its subscriber has cancelled, and 800 cancelled writes
     * per path take sqlite-jdbc's one {@code commit;} statement past the handler's interval twice or more; a
     * transaction left open by any of them makes the transaction at the end fail.
     */
    @Test
    void aWriteCancelledWhileItRunsLeavesNoTransactionOnItsLane() throws Exception {
        Semaphore entered = new Semaphore(0);
        Semaphore cancelled = new Semaphore(0);
        factory.lanes().writer(new LockWait(SqliteTesting.TIMEOUT), () -> "the test's function")
                .flatMap(lease -> lease.lane().<Void>call(jdbc -> {
                    org.sqlite.Function.create(jdbc, "after_cancel", new org.sqlite.Function() {
                        @Override
                        protected void xFunc() throws SQLException {
                            entered.release();
                            try {
                                if (!cancelled.tryAcquire(30, TimeUnit.SECONDS)) {
                                    throw new SQLException("the test did not cancel");
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new SQLException(e);
                            }
                            result(-1);
                        }
                    });
                    return null;
                }).then(lease.release()))
                .block(SqliteTesting.TIMEOUT);
        String write = "INSERT INTO t VALUES (after_cancel())";
        List<Supplier<Mono<?>>> paths = List.of(
                () -> factory.update(write),
                () -> update(factory, write));
        for (int path = 0; path < paths.size(); path++) {
            for (int round = 0; round < 800; round++) {
                Disposable running = paths.get(path).get().subscribe(value -> { }, error -> { });
                assertTrue(entered.tryAcquire(30, TimeUnit.SECONDS), "the write started");
                running.dispose();
                cancelled.release();
            }
            SqliteTesting.awaitNothingLeased(factory);
            Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                            .thenMany(c.createStatement("INSERT INTO t VALUES (0)").execute())
                            .concatMap(Result::getRowsUpdated)
                            .then(Mono.from(c.commitTransaction())),
                    Connection::close)
                    .as(StepVerifier::create)
                    .verifyComplete();
        }
        nothingLeasedAndReadsStillWork();
    }

    @Test
    void aStatementTimeoutInterruptsTheQueryAndFailsWithATimeout() {
        Mono.usingWhen(factory.create(), c -> Mono.from(c.setStatementTimeout(Duration.ofMillis(200)))
                        .thenMany(c.createStatement(ENDLESS).execute())
                        .concatMap(r -> r.map(row -> row.get(0)))
                        .then(),
                Connection::close)
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    R2dbcTimeoutException timeout = (R2dbcTimeoutException) e;
                    assertEquals(ENDLESS, timeout.getSql());
                })
                .verify(SqliteTesting.TIMEOUT);
        nothingLeasedAndReadsStillWork();
    }

    @Test
    void aWaitingLeaseThatIsCancelledNeverTakesTheLane() {
        Connection holder = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            // the transaction holds the writer lane, so this write waits for it, then gives up
            Mono.from(holder.beginTransaction()).block(SqliteTesting.TIMEOUT);
            update(factory, "INSERT INTO t VALUES (-1)")
                    .as(StepVerifier::create)
                    .expectSubscription()
                    .then(() -> SqliteTesting.awaitLanes(factory, m -> m.writer().pendingAcquireSize() == 1,
                            "the write waiting for the writer lane"))
                    .thenCancel()
                    .verify(SqliteTesting.TIMEOUT);
            assertEquals(0, factory.metrics().pendingAcquireSize(), "leases waiting");
            Mono.from(holder.rollbackTransaction()).block(SqliteTesting.TIMEOUT);
        } finally {
            Mono.from(holder.close()).block(SqliteTesting.TIMEOUT);
        }
        update(factory, "INSERT INTO t VALUES (-2)").as(StepVerifier::create).expectNext(1L).verifyComplete();
        query(factory, "SELECT count(*) FROM t WHERE v < 0", r -> r.get(0, Long.class))
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        nothingLeasedAndReadsStillWork();
    }

    @Test
    void anUnreadResultIsClosedWithItsConnection() {
        SqliteTesting.openReaderLane(factory);
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        Result unread = Flux.from(connection.createStatement("SELECT v FROM t").fetchSize(10).execute())
                .blockFirst(SqliteTesting.TIMEOUT);
        assertEquals(1, factory.metrics().acquiredSize(), "the unread result holds its lane");
        // the only reader lane is taken: a read waits for it
        query(factory, "SELECT 1", r -> r.get(0)).as(StepVerifier::create)
                .expectSubscription()
                .then(() -> SqliteTesting.awaitLanes(factory, m -> m.readers().pendingAcquireSize() == 1,
                        "the read waiting for the reader lane"))
                .thenCancel()
                .verify(SqliteTesting.TIMEOUT);
        Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
        nothingLeasedAndReadsStillWork();
        Flux.from(unread.map(row -> row.get(0))).as(StepVerifier::create)
                .expectNextCount(10)
                .expectErrorMessage("this connection to SQLite database " + sqlite.file() + " is closed")
                .verify(SqliteTesting.TIMEOUT);
    }

    @Test
    void aLockWaitTimeoutBoundsTheWaitForAnotherProcesssLock() {
        SqliteConnectionFactory other = SqliteTesting.file(sqlite.file());
        Connection holder = other.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(holder.beginTransaction()).block(SqliteTesting.TIMEOUT);
            Mono.usingWhen(factory.create(), c -> Mono.from(c.setLockWaitTimeout(Duration.ofMillis(50)))
                            .thenMany(c.createStatement("INSERT INTO t VALUES (0)").execute())
                            .concatMap(Result::getRowsUpdated).then(),
                    Connection::close)
                    .as(StepVerifier::create)
                    .expectError(R2dbcTimeoutException.class)
                    .verify(Duration.ofSeconds(4)); // well under the factory's busy timeout
        } finally {
            Mono.from(holder.close()).block(SqliteTesting.TIMEOUT);
            SqliteTesting.close(other).block(SqliteTesting.TIMEOUT);
        }
        nothingLeasedAndReadsStillWork();
    }

    @Test
    void takingOnlyTheFirstResultStillReadsAllItsRowsAndReleasesTheLane() {
        // Mono.from(execute()) cancels the stream of results once it has the first one
        Mono.usingWhen(factory.create(), c -> Mono.from(c.createStatement("SELECT v FROM t").fetchSize(100).execute())
                        .flatMap(r -> Flux.from(r.map(row -> row.get(0, Integer.class))).count()),
                Connection::close)
                .as(StepVerifier::create).expectNext(10000L).verifyComplete();
        Mono.from(factory.create())
                .flatMap(c -> Mono.from(c.createStatement("SELECT v FROM t").fetchSize(100).execute())
                        .flatMap(r -> Flux.from(r.map(row -> row.get(0, Integer.class))).count()))
                .as(StepVerifier::create).expectNext(10000L).verifyComplete();
        nothingLeasedAndReadsStillWork();
    }

    @Test
    void manyReadersAndWritersAtOnceLeaveNothingLeased() {
        Flux.range(0, 200)
                .flatMap(i -> i % 4 == 0
                        ? update(factory, "INSERT INTO t VALUES (?1)", -i)
                        : query(factory, "SELECT count(*) FROM t WHERE v > ?1", r -> r.get(0, Long.class), i).single(),
                        32)
                .then()
                .as(StepVerifier::create).verifyComplete();
        query(factory, "SELECT count(*) FROM t WHERE v <= 0", r -> r.get(0, Long.class))
                .as(StepVerifier::create).expectNext(50L).verifyComplete();
        nothingLeasedAndReadsStillWork();
    }

    /** Subscribes to {@code publisher} with a subscriber that cancels at once, as timeout(…) may. */
    private static void subscribeCancelled(org.reactivestreams.Publisher<?> publisher) {
        publisher.subscribe(new reactor.core.publisher.BaseSubscriber<Object>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                subscription.cancel();
            }
        });
    }

    /**
     * An operator may subscribe after it was cancelled ({@code timeout} does when its timer fires first); on a
     * pooled connection, its owner may have handed the connection to its next user by then. Such a subscription
     * changes nothing: no transaction begins, no setting changes, no lane is taken.
     */
    @Test
    void operationsSubscribedAfterTheirSubscriberCancelledChangeNothing() throws Exception {
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            subscribeCancelled(connection.beginTransaction());
            subscribeCancelled(connection.setAutoCommit(false));
            subscribeCancelled(connection.setLockWaitTimeout(Duration.ofMillis(1)));
            subscribeCancelled(connection.setStatementTimeout(Duration.ofMillis(1)));
            subscribeCancelled(connection.createSavepoint("s"));
            SqliteTesting.awaitNothingLeased(factory);
            assertTrue(connection.isAutoCommit(), "no transaction began and auto-commit is still on");
            // no transaction holds the writer lane or SQLite's lock: this write commits at once
            update(factory, "INSERT INTO t VALUES (-1)").as(StepVerifier::create).expectNext(1L).verifyComplete();
            // no statement timeout of 1 ms: a count that takes a while completes
            Flux.from(connection.createStatement("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                            + " WHERE i < 300000) SELECT count(*) FROM n").execute())
                    .concatMap(r -> r.map(row -> row.get(0, Long.class)))
                    .as(StepVerifier::create).expectNext(300000L).verifyComplete();
        } finally {
            Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
        }
        nothingLeasedAndReadsStillWork();
    }

    /** A begin whose caller cancels while it waits for the writer lane begins nothing once it gets the lane. */
    @Test
    void aBeginCancelledWhileWaitingForTheLaneBeginsNothing() throws Exception {
        Connection holder = factory.create().block(SqliteTesting.TIMEOUT);
        Connection other = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(holder.beginTransaction()).block(SqliteTesting.TIMEOUT);
            Mono.from(other.beginTransaction())
                    .as(StepVerifier::create)
                    .expectSubscription()
                    .then(() -> SqliteTesting.awaitLanes(factory, m -> m.writer().pendingAcquireSize() == 1,
                            "the begin waiting for the writer lane"))
                    .thenCancel()
                    .verify(SqliteTesting.TIMEOUT);
            Mono.from(holder.commitTransaction()).block(SqliteTesting.TIMEOUT);
            SqliteTesting.awaitNothingLeased(factory);
            assertTrue(other.isAutoCommit(), "the cancelled begin left no transaction");
            update(factory, "INSERT INTO t VALUES (-1)").as(StepVerifier::create).expectNext(1L).verifyComplete();
        } finally {
            Mono.from(holder.close()).block(SqliteTesting.TIMEOUT);
            Mono.from(other.close()).block(SqliteTesting.TIMEOUT);
        }
        nothingLeasedAndReadsStillWork();
    }
}
