package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.query;
import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.HeldStream;
import dev.minoro.testing.MinoroThreads;
import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The factory's lanes and threads: where JDBC runs, concurrency across factories, in-memory databases, close. */
final class SqliteLifecycleIntegrationTests {

    @TempDir
    Path directory;

    @Test
    void closingTheFactoryReleasesItsThreadsAndLaterUseFails() throws InterruptedException {
        SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("close.db"),
                b -> b.readerLanes(2));
        update(factory, "CREATE TABLE t (v); INSERT INTO t VALUES (1)").block(SqliteTesting.TIMEOUT);
        // reads at once open more lanes than one, and each lane maps its rows on its thread: each of two reads holds
        // its lane until the other one runs, which one lane alone could not do
        Set<String> laneThreads = ConcurrentHashMap.newKeySet();
        CountDownLatch bothRunning = new CountDownLatch(2);
        Flux.range(0, 2).flatMap(i -> factory.query("SELECT v FROM t", row -> {
            laneThreads.add(Thread.currentThread().getName());
            bothRunning.countDown();
            awaitOrFail(bothRunning, "two reads at once ran one after the other on " + laneThreads);
            return row.get(0);
        })).blockLast(SqliteTesting.TIMEOUT);
        assertTrue(laneThreads.size() >= 2 && laneThreads.stream().allMatch(MinoroThreads::isSharedThread),
                "lanes run on the driver's lane threads: " + laneThreads);
        Connection kept = factory.create().block(SqliteTesting.TIMEOUT);

        SqliteTesting.close(factory).as(StepVerifier::create).verifyComplete();

        MinoroThreads.awaitReleased(laneThreads);
        Mono.from(factory.create()).as(StepVerifier::create)
                .expectErrorMessage("the SQLite connection factory for " + directory.resolve("close.db") + " is closed")
                .verify(SqliteTesting.TIMEOUT);
        Flux.from(kept.createStatement("SELECT 1").execute()).as(StepVerifier::create)
                .expectError(R2dbcNonTransientResourceException.class)
                .verify(SqliteTesting.TIMEOUT);
        Mono.from(kept.close()).as(StepVerifier::create).verifyComplete();
        SqliteTesting.close(factory).as(StepVerifier::create).verifyComplete();
    }

    /**
     * Lanes open at once never share a thread (a lane can wait for SQLite's lock, and a lane queued behind it on its
     * thread could be the one holding the lock), and lanes opened after others closed take the threads those gave
     * back instead of starting new ones.
     */
    @Test
    void eachOpenLaneHasAThreadOfItsOwnAndClosedLanesGiveTheirsBack() {
        List<SqliteConnectionFactory> first = new ArrayList<>();
        Set<String> threads = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("own-" + i + ".db"));
            first.add(factory);
            threads.add(factory.query("SELECT 1", row -> Thread.currentThread().getName()).blockLast(SqliteTesting.TIMEOUT));
        }
        assertEquals(3, threads.size(), threads.toString());
        first.forEach(factory -> SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT));

        Set<String> before = MinoroThreads.alive();
        for (int i = 0; i < 3; i++) {
            SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("again-" + i + ".db"));
            try {
                assertTrue(before.contains(factory.query("SELECT 1", row -> Thread.currentThread().getName())
                        .blockLast(SqliteTesting.TIMEOUT)), "a new thread for a lane while idle ones wait: " + before);
            } finally {
                SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
            }
        }
    }

    @Test
    void closingTheFactoryInterruptsARunningStatement() {
        SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("running.db"));
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        StepVerifier.create(endless(connection))
                .then(() -> SqliteTesting.close(factory).subscribe())
                .expectErrorSatisfies(e -> assertInstanceOf(R2dbcException.class, e))
                .verify(SqliteTesting.TIMEOUT);
        SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
    }

    /**
     * Statements queued on a lane when the factory closes, not yet running, are ended too: they must not start
     * after the close interrupted what was running, and keep the close (and the lane's thread) waiting for ever.
     */
    @Test
    void closingTheFactoryEndsStatementsQueuedBehindARunningOne() {
        for (int round = 0; round < 300; round++) {
            SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("queued-" + round + ".db"));
            Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
            List<StepVerifier> statements = new ArrayList<>();
            for (int i = 0; i < 1 + round % 3; i++) {
                statements.add(endless(connection).as(StepVerifier::create)
                        .expectErrorSatisfies(e -> assertInstanceOf(R2dbcException.class, e))
                        .verifyLater());
            }
            SqliteTesting.close(factory).as(StepVerifier::create).expectComplete().verify(SqliteTesting.TIMEOUT);
            for (StepVerifier statement : statements) {
                statement.verify(SqliteTesting.TIMEOUT);
            }
        }
    }

    /** Waits for {@code latch}, failing with {@code failure} when it does not open within the test's timeout. */
    private static void awaitOrFail(CountDownLatch latch, String failure) {
        try {
            if (!latch.await(SqliteTesting.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(failure, e);
        }
    }

    /** A statement that runs for minutes unless interrupted. */
    private static Flux<Object> endless(Connection connection) {
        return Flux.from(connection.createStatement(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n").execute())
                .concatMap(r -> r.map(row -> row.get(0)));
    }

    @Test
    void noJdbcCallRunsOnTheSubscribersThread() {
        // BlockHound fails any blocking call (sqlite-jdbc's native calls among them) on a parallel thread
        SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("threads.db"));
        Set<String> jdbcThreads = ConcurrentHashMap.newKeySet();
        try {
            Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                    "CREATE TABLE t (v); INSERT INTO t VALUES (1), (2), (3)").execute())
                            .concatMap(Result::getRowsUpdated)
                            .thenMany(c.beginTransaction())
                            .thenMany(c.createStatement("INSERT INTO t VALUES (?1)").bind(0, 4).execute())
                            .concatMap(Result::getRowsUpdated)
                            .thenMany(c.commitTransaction())
                            .thenMany(c.createStatement("SELECT v FROM t ORDER BY v").fetchSize(1).execute())
                            .concatMap(r -> r.map(row -> {
                                jdbcThreads.add(Thread.currentThread().getName());
                                return row.get(0, Integer.class);
                            })),
                    Connection::close)
                    .subscribeOn(Schedulers.parallel())
                    .publishOn(Schedulers.parallel(), 1)
                    .as(StepVerifier::create)
                    .expectNext(1, 2, 3, 4)
                    .verifyComplete();
            // rows after the first batch come from the lane's thread
            assertTrue(jdbcThreads.stream().anyMatch(n -> n.startsWith("minoro-sqlite")), jdbcThreads.toString());
        } finally {
            SqliteTesting.close(factory).subscribeOn(Schedulers.parallel()).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void blockHoundWouldCatchAJdbcCallOnANonBlockingThread() {
        // the control for the test above: lanes on Reactor's parallel threads trip BlockHound at the first JDBC call
        SqliteConnectionFactory misconfigured = SqliteTesting.file(directory.resolve("parallel.db"),
                b -> b.scheduler(Schedulers.parallel()));
        try {
            Mono.from(misconfigured.create()).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertTrue(e instanceof reactor.blockhound.BlockingOperationError
                            || e.getCause() instanceof reactor.blockhound.BlockingOperationError, e.toString()))
                    .verify(SqliteTesting.TIMEOUT);
        } finally {
            SqliteTesting.close(misconfigured).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void twoFactoriesOnOneFileWriteConcurrently() {
        Path file = directory.resolve("shared.db");
        SqliteConnectionFactory first = SqliteTesting.file(file);
        SqliteConnectionFactory second = SqliteTesting.file(file);
        try {
            update(first, "CREATE TABLE t (factory INTEGER, v INTEGER)").block(SqliteTesting.TIMEOUT);
            Flux.range(0, 100)
                    .flatMap(i -> {
                        SqliteConnectionFactory factory = i % 2 == 0 ? first : second;
                        return Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                                .thenMany(c.createStatement("INSERT INTO t VALUES (?1, ?2)").bind(0, i % 2).bind(1, i)
                                        .execute())
                                .concatMap(Result::getRowsUpdated)
                                .then(Mono.from(c.commitTransaction())), Connection::close)
                                .then(update(factory, "INSERT INTO t VALUES (?1, ?2)", i % 2, -i));
                    }, 16)
                    .then()
                    .as(StepVerifier::create).verifyComplete();
            query(second, "SELECT factory, count(*) FROM t GROUP BY factory ORDER BY factory",
                    r -> r.get(0, Integer.class) + ":" + r.get(1, Long.class))
                    .as(StepVerifier::create).expectNext("0:100", "1:100").verifyComplete();
        } finally {
            SqliteTesting.close(first).block(SqliteTesting.TIMEOUT);
            SqliteTesting.close(second).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void anInMemoryDatabaseIsOnePerFactory() {
        SqliteConnectionFactory one = SqliteTesting.memory();
        SqliteConnectionFactory other = SqliteTesting.memory();
        try {
            update(one, "CREATE TABLE t (v); INSERT INTO t VALUES (42)").block(SqliteTesting.TIMEOUT);
            // another connection of the same factory sees it
            query(one, "SELECT v FROM t", r -> r.get(0, Integer.class)).as(StepVerifier::create).expectNext(42)
                    .verifyComplete();
            query(other, "SELECT v FROM t", r -> r.get(0)).as(StepVerifier::create)
                    .expectError(R2dbcBadGrammarException.class).verify(SqliteTesting.TIMEOUT);
        } finally {
            SqliteTesting.close(one).block(SqliteTesting.TIMEOUT);
            SqliteTesting.close(other).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void anExternalSchedulerRunsTheLanesAndIsNotDisposed() {
        Scheduler scheduler = Schedulers.newBoundedElastic(4, 100, "app-jdbc");
        try {
            SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("external.db"),
                    b -> b.scheduler(scheduler));
            Set<String> threads = ConcurrentHashMap.newKeySet();
            Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) SELECT i FROM n")
                            .execute())
                    .concatMap(r -> r.map(row -> {
                        threads.add(Thread.currentThread().getName());
                        return row.get(0);
                    })), Connection::close)
                    .as(StepVerifier::create).expectNextCount(300).verifyComplete();
            assertTrue(threads.stream().anyMatch(n -> n.startsWith("app-jdbc")), threads.toString());
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
            assertFalse(scheduler.isDisposed());
            assertEquals(List.of(1), Mono.fromCallable(() -> 1).subscribeOn(scheduler).flux().collectList()
                    .block(SqliteTesting.TIMEOUT));
        } finally {
            scheduler.dispose();
        }
    }

    /**
     * A read that finds the writer lane idle before any reader lane is open runs on it, lent: a write that comes
     * while the read's rows are still being read opens a writer lane of its own rather than wait behind them (which,
     * with a busy timeout of 1 s, would fail it), one lane is lent at a time, and the lent lane closes when its read
     * ends.
     */
    @Test
    void aSlowlyReadStreamOnTheIdleWriterLaneHoldsUpNoWrite() throws InterruptedException {
        SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("lent.db"),
                b -> b.busyTimeout(Duration.ofSeconds(1)));
        HeldStream<Integer> first = new HeldStream<>();
        HeldStream<Integer> second = new HeldStream<>();
        try {
            // more rows than one batch, so that a stream taking one row keeps its statement open
            update(factory, "CREATE TABLE t (v INTEGER)").block(SqliteTesting.TIMEOUT);
            update(factory, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
                    + " INSERT INTO t SELECT i FROM n").block(SqliteTesting.TIMEOUT);
            query(factory, "SELECT v FROM t ORDER BY v", r -> r.get(0, Integer.class)).subscribe(first);
            first.awaitFirst(SqliteTesting.TIMEOUT);
            assertEquals(0, factory.metrics().readers().allocatedSize(), factory.metrics().toString());
            assertEquals(1L, update(factory, "INSERT INTO t VALUES (0)").block(SqliteTesting.TIMEOUT));
            assertEquals(2, factory.metrics().writer().allocatedSize(), factory.metrics().toString());
            // the new writer lane is idle, but a lane is lent already: the next slow stream opens a reader lane
            query(factory, "SELECT v FROM t ORDER BY v", r -> r.get(0, Integer.class)).subscribe(second);
            second.awaitFirst(SqliteTesting.TIMEOUT);
            assertEquals(1, factory.metrics().readers().allocatedSize(), factory.metrics().toString());
            assertEquals(1L, update(factory, "DELETE FROM t WHERE v = 1000").block(SqliteTesting.TIMEOUT));
            first.dispose();
            second.dispose();
            SqliteTesting.awaitLanes(factory, m -> m.writer().allocatedSize() == 1 && m.acquiredSize() == 0,
                    "the lent lane closed");
            query(factory, "SELECT count(*), min(v), max(v) FROM t", r -> r.get(0, Long.class) + ","
                    + r.get(1, Integer.class) + "," + r.get(2, Integer.class))
                    .as(StepVerifier::create).expectNext("1000,0,999").verifyComplete();
        } finally {
            first.dispose();
            second.dispose();
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void lanesRunWithTheConfiguredPragmas() {
        SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("pragmas.db"));
        try {
            // PRAGMA counts as a write: the writer lane answers
            query(factory, "PRAGMA journal_mode", r -> r.get(0, String.class)).as(StepVerifier::create)
                    .expectNext("wal").verifyComplete();
            query(factory, "PRAGMA synchronous", r -> r.get(0, Integer.class)).as(StepVerifier::create)
                    .expectNext(1).verifyComplete();
            query(factory, "PRAGMA foreign_keys", r -> r.get(0, Integer.class)).as(StepVerifier::create)
                    .expectNext(1).verifyComplete();
            String lanePragmas = "SELECT q.query_only, f.foreign_keys FROM pragma_query_only() q, pragma_foreign_keys() f";
            // a SELECT finds the writer lane idle and no reader lane open yet: it runs on the writer lane
            query(factory, lanePragmas, r -> r.get(0, Integer.class) + "," + r.get(1, Integer.class))
                    .as(StepVerifier::create).expectNext("0,1").verifyComplete();
            assertEquals(0, factory.metrics().readers().allocatedSize(), factory.metrics().toString());
            // once a reader lane is open, a SELECT goes to a reader lane
            SqliteTesting.openReaderLane(factory);
            query(factory, lanePragmas, r -> r.get(0, Integer.class) + "," + r.get(1, Integer.class))
                    .as(StepVerifier::create).expectNext("1,1").verifyComplete();
        } finally {
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        }
        SqliteConnectionFactory relaxed = SqliteTesting.file(directory.resolve("pragmas.db"), b -> b.foreignKeys(false)
                .synchronous(SqliteConnectionConfiguration.Synchronous.FULL));
        try {
            query(relaxed, "SELECT 1", r -> r.get(0)).blockLast(SqliteTesting.TIMEOUT);
            query(relaxed, "PRAGMA foreign_keys", r -> r.get(0, Integer.class)).as(StepVerifier::create)
                    .expectNext(0).verifyComplete();
            query(relaxed, "PRAGMA synchronous", r -> r.get(0, Integer.class)).as(StepVerifier::create)
                    .expectNext(2).verifyComplete();
        } finally {
            SqliteTesting.close(relaxed).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void aReadOnlyTransactionOnTheSingleLaneOfAnInMemoryDatabaseCannotWrite() {
        SqliteConnectionFactory memory = SqliteTesting.memory();
        try {
            update(memory, "CREATE TABLE t (v)").block(SqliteTesting.TIMEOUT);
            io.r2dbc.spi.TransactionDefinition readOnly = new io.r2dbc.spi.TransactionDefinition() {
                @Override
                @SuppressWarnings("unchecked")
                public <T> T getAttribute(io.r2dbc.spi.Option<T> option) {
                    return option.equals(READ_ONLY) ? (T) Boolean.TRUE : null;
                }
            };
            Mono.usingWhen(memory.create(), c -> Mono.from(c.beginTransaction(readOnly))
                            .thenMany(c.createStatement("INSERT INTO t VALUES (1)").execute())
                            .concatMap(Result::getRowsUpdated).then(),
                    Connection::close)
                    .as(StepVerifier::create).expectError(io.r2dbc.spi.R2dbcPermissionDeniedException.class)
                    .verify(SqliteTesting.TIMEOUT);
            // query_only is off again for the next user of the lane
            update(memory, "INSERT INTO t VALUES (2)").as(StepVerifier::create).expectNext(1L).verifyComplete();
        } finally {
            SqliteTesting.close(memory).block(SqliteTesting.TIMEOUT);
        }
    }
}
