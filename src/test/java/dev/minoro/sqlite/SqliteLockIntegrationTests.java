package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.query;
import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.R2dbcCalls;
import dev.minoro.testing.SqliteLockHolder;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Locks held by another process (the sqlite3 shell): every wait for them ends within the call's busy timeout,
 * also where SQLite refuses a lock without calling its busy handler, and every such error states the time
 * actually waited. Timings are upper bounds, generous for a busy machine, never exact.
 */
final class SqliteLockIntegrationTests {

    @TempDir
    Path directory;

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /**
     * Switching a file to WAL needs an exclusive lock, which SQLite asks for without calling its busy handler: the
     * driver waits for it itself. The shell holds a write lock (a fresh file, and a file in rollback-journal
     * mode) or a read lock (a rollback-journal file it reads).
     */
    @ParameterizedTest
    @ValueSource(strings = {"fresh", "write lock", "read lock"})
    void openingWaitsForAnotherProcessBeforeSwitchingToWal(String held) throws Exception {
        Path file = directory.resolve("open.db");
        String sql = switch (held) {
            case "fresh" -> "BEGIN IMMEDIATE;";
            case "write lock" -> "CREATE TABLE t (v); INSERT INTO t VALUES (1); BEGIN IMMEDIATE;";
            default -> "CREATE TABLE t (v); INSERT INTO t VALUES (1); BEGIN; SELECT count(*) FROM t;";
        };
        try (SqliteLockHolder holder = SqliteLockHolder.hold(file, sql)) {
            SqliteConnectionFactory factory = SqliteTesting.file(file, b -> b.busyTimeout(Duration.ofSeconds(20)));
            try {
                long start = System.nanoTime();
                holder.releaseAfter(Duration.ofMillis(600));
                Mono.from(factory.create()).as(StepVerifier::create).expectNextCount(1).verifyComplete();
                assertTrue(millisSince(start) >= 500, "the opening waited for the lock: " + millisSince(start) + " ms");
                query(factory, "PRAGMA journal_mode", r -> r.get(0, String.class))
                        .as(StepVerifier::create).expectNext("wal").verifyComplete();
            } finally {
                SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fresh", "write lock"})
    void openingGivesUpAtTheBusyTimeoutAndSaysHowLongItWaited(String held) throws Exception {
        Path file = directory.resolve("open.db");
        String sql = held.equals("fresh") ? "BEGIN IMMEDIATE;" : "CREATE TABLE t (v); BEGIN IMMEDIATE;";
        try (SqliteLockHolder holder = SqliteLockHolder.hold(file, sql)) {
            SqliteConnectionFactory factory = SqliteTesting.file(file, b -> b.busyTimeout(Duration.ofMillis(400)));
            try {
                long start = System.nanoTime();
                Mono.from(factory.create()).as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            long measured = millisSince(start);
                            R2dbcTimeoutException timeout = assertInstanceOf(R2dbcTimeoutException.class, e);
                            assertEquals(5, timeout.getErrorCode() & 0xff);
                            assertTrue(e.getMessage().startsWith("cannot open SQLite database " + file + ": "),
                                    e.getMessage());
                            assertTrue(SqliteLockHolder.waitedMillis(e, measured) >= 400, e.getMessage());
                        })
                        .verify(SqliteTesting.TIMEOUT);
                assertEquals(0, factory.metrics().acquiredSize(), "lanes leased");
            } finally {
                SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
            }
        }
    }

    /**
     * Writes queued behind one another for the writer lane, while another process holds the file's write lock:
     * each fails once its own busy timeout is spent, in the queue and at the lock together, not after the
     * timeouts of the writes before it.
     */
    @Test
    void queuedWritesEachWaitNoLongerThanTheirBusyTimeout() throws Exception {
        Path file = directory.resolve("queued.db");
        SqliteConnectionFactory factory = SqliteTesting.file(file, b -> b.busyTimeout(Duration.ofMillis(300)));
        try {
            update(factory, "CREATE TABLE t (v INTEGER)").block(SqliteTesting.TIMEOUT);
            try (SqliteLockHolder holder = SqliteLockHolder.hold(file, "BEGIN IMMEDIATE;")) {
                int writes = 10;
                List<Throwable> failures = Flux.range(0, writes)
                        .flatMap(i -> Mono.defer(() -> {
                            long start = System.nanoTime();
                            return update(factory, "INSERT INTO t VALUES (?1)", i)
                                    .then(Mono.<Throwable>error(new AssertionError("write " + i + " succeeded")))
                                    .onErrorResume(R2dbcTimeoutException.class, e -> {
                                        long measured = millisSince(start);
                                        assertEquals(5, e.getErrorCode() & 0xff);
                                        assertTrue(SqliteLockHolder.waitedMillis(e, measured) >= 300, e.getMessage());
                                        return Mono.just(e);
                                    });
                        }), writes)
                        .collectList()
                        .block(SqliteTesting.TIMEOUT);
                // one after the other, each would wait its whole 300 ms for the lock, 3 s in all
                assertEquals(writes, failures.size());
                long lockWaits = failures.stream().mapToLong(SqliteLockHolder::lockWaitMillis).sum();
                assertTrue(lockWaits < writes * 300 / 2, "the writes waited " + lockWaits + " ms for SQLite's lock in"
                        + " all, as if one after the other: " + failures);
            }
            assertEquals(0, factory.metrics().acquiredSize(), "lanes leased");
            update(factory, "INSERT INTO t VALUES (-1)").as(StepVerifier::create).expectNext(1L).verifyComplete();
        } finally {
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void beginWaitsForAnotherProcesssLockWithinTheBusyTimeout() throws Exception {
        Path file = directory.resolve("begin.db");
        SqliteConnectionFactory factory = SqliteTesting.file(file, b -> b.busyTimeout(Duration.ofMillis(300)));
        try {
            update(factory, "CREATE TABLE t (v INTEGER)").block(SqliteTesting.TIMEOUT);
            try (SqliteLockHolder holder = SqliteLockHolder.hold(file, "BEGIN IMMEDIATE;")) {
                long start = System.nanoTime();
                Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction()), Connection::close)
                        .as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            long measured = millisSince(start);
                            assertInstanceOf(R2dbcTimeoutException.class, e);
                            assertEquals("BEGIN IMMEDIATE", ((R2dbcTimeoutException) e).getSql());
                            assertTrue(SqliteLockHolder.waitedMillis(e, measured) >= 300, e.getMessage());
                        })
                        .verify(SqliteTesting.TIMEOUT);
                // and it begins once the lock is free, within its busy timeout
                holder.releaseAfter(Duration.ofMillis(100));
                Mono.usingWhen(factory.create(), c -> Mono.from(c.setLockWaitTimeout(Duration.ofSeconds(20)))
                                .then(Mono.from(c.beginTransaction())).then(Mono.from(c.commitTransaction())),
                        Connection::close)
                        .as(StepVerifier::create).verifyComplete();
            }
            assertEquals(0, factory.metrics().acquiredSize(), "lanes leased");
        } finally {
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        }
    }

    /**
     * A transaction that read first cannot wait to write while another process writes (SQLite refuses, since
     * waiting could deadlock): it fails at once, and says it did not wait.
     */
    @Test
    void aDeferredTransactionThatCannotTakeTheWriteLockSaysItDidNotWait() throws Exception {
        Path file = directory.resolve("deferred.db");
        SqliteConnectionFactory factory = SqliteTesting.file(file, b -> b.busyTimeout(Duration.ofSeconds(20))
                .beginMode(SqliteConnectionConfiguration.BeginMode.DEFERRED));
        try {
            update(factory, "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)").block(SqliteTesting.TIMEOUT);
            try (SqliteLockHolder holder = SqliteLockHolder.hold(file, "BEGIN IMMEDIATE;")) {
                long start = System.nanoTime();
                Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                                .thenMany(c.createStatement("SELECT count(*) FROM t").execute())
                                .concatMap(r -> r.map(row -> row.get(0)))
                                .thenMany(c.createStatement("INSERT INTO t VALUES (2)").execute())
                                .concatMap(Result::getRowsUpdated)
                                .then(),
                        Connection::close)
                        .as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            long measured = millisSince(start);
                            assertInstanceOf(R2dbcTimeoutException.class, e);
                            assertTrue(e.getMessage().contains("SQLite gave up without waiting"), e.getMessage());
                            SqliteLockHolder.waitedMillis(e, measured);
                        })
                        .verify(SqliteTesting.TIMEOUT);
            }
            assertEquals(0, factory.metrics().acquiredSize(), "lanes leased");
        } finally {
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        }
    }

    /**
     * SQLite's own busy handler would sleep out the busy timeout on the lane's thread; the driver's stops when the
     * caller cancels. With no reader lanes, the next read needs the same lane, and gets it at once.
     */
    @Test
    void cancellingAStatementThatWaitsForALockGivesItsLaneBackAtOnce() throws Exception {
        Path file = directory.resolve("cancel.db");
        SqliteConnectionFactory factory = SqliteTesting.file(file, b -> b.busyTimeout(Duration.ofSeconds(60))
                .readerLanes(0));
        try {
            update(factory, "CREATE TABLE t (v INTEGER)").block(SqliteTesting.TIMEOUT);
            try (SqliteLockHolder holder = SqliteLockHolder.hold(file, "BEGIN IMMEDIATE;")) {
                update(factory, "INSERT INTO t VALUES (1)")
                        .as(StepVerifier::create)
                        .expectSubscription()
                        .then(SqliteTesting::awaitALockWait)
                        .thenCancel()
                        .verify(SqliteTesting.TIMEOUT);
                // the lock is still held, but the lane is free: a read goes through, well within the 60 s
                query(factory, "SELECT count(*) FROM t", r -> r.get(0, Long.class))
                        .as(StepVerifier::create).expectNext(0L).expectComplete().verify(Duration.ofSeconds(10));
                assertEquals(0, factory.metrics().acquiredSize(), "lanes leased");
            }
        } finally {
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        }
    }

    /** Without a busy timeout of its own, a call waits the default 10 s for a taken lane, and not less. */
    @Test
    void aStatementWaitsTheDefaultTenSecondsForATakenLane() {
        SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("default.db"));
        Connection holder = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            update(factory, "CREATE TABLE t (v INTEGER)").block(SqliteTesting.TIMEOUT);
            Mono.from(holder.beginTransaction()).block(SqliteTesting.TIMEOUT);
            long start = System.nanoTime();
            update(factory, "INSERT INTO t VALUES (1)")
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        long measured = millisSince(start);
                        assertEquals(5, assertInstanceOf(R2dbcTimeoutException.class, e).getErrorCode());
                        assertTrue(e.getMessage().contains("held longer than the busy timeout of 10000 ms"),
                                e.getMessage());
                        assertTrue(SqliteLockHolder.waitedMillis(e, measured) >= 10_000, e.getMessage());
                        assertTrue(measured >= 10_000, "failed after " + measured + " ms: " + e.getMessage());
                    })
                    .verify(SqliteTesting.TIMEOUT);
            Mono.from(holder.rollbackTransaction()).block(SqliteTesting.TIMEOUT);
        } finally {
            Mono.from(holder.close()).block(SqliteTesting.TIMEOUT);
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        }
    }

    /** The writer lane held by a transaction of this factory counts as a lock: a write waits its busy timeout. */
    @Test
    void aStatementWaitsForATakenLaneNoLongerThanItsBusyTimeoutAndLearnsWhatHoldsIt() {
        SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("lane.db"));
        Connection holder = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            update(factory, "CREATE TABLE t (v INTEGER)").block(SqliteTesting.TIMEOUT);
            Mono.from(holder.beginTransaction()).block(SqliteTesting.TIMEOUT);
            long start = System.nanoTime();
            Mono.usingWhen(factory.create(), c -> Mono.from(c.setLockWaitTimeout(Duration.ofMillis(200)))
                            .thenMany(c.createStatement("INSERT INTO t VALUES (1)").execute())
                            .concatMap(Result::getRowsUpdated).then(),
                    Connection::close)
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        long measured = millisSince(start);
                        assertEquals(5, assertInstanceOf(R2dbcTimeoutException.class, e).getErrorCode());
                        assertTrue(SqliteLockHolder.waitedMillis(e, measured) >= 200, e.getMessage());
                        assertTrue(e.getMessage().contains("for the writer lane of SQLite database "), e.getMessage());
                        assertTrue(e.getMessage().contains("held by a transaction (BEGIN IMMEDIATE) for "),
                                e.getMessage());
                    })
                    .verify(SqliteTesting.TIMEOUT);
            assertEquals(0, factory.metrics().pendingAcquireSize(), "leases waiting");
            Mono.from(holder.rollbackTransaction()).block(SqliteTesting.TIMEOUT);
            assertEquals(0, factory.metrics().acquiredSize(), "lanes leased");
        } finally {
            Mono.from(holder.close()).block(SqliteTesting.TIMEOUT);
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        }
    }
}
