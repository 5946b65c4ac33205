package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.query;
import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Result;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Transactions: begin (IMMEDIATE by default), commit, rollback, auto-commit, savepoints, close. */
final class SqliteTransactionIntegrationTests {

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("tx.db", "CREATE TABLE t (v INTEGER)");

    private SqliteConnectionFactory factory;

    @BeforeEach
    void open() {
        factory = sqlite.open();
    }

    private Mono<Long> count() {
        return query(factory, "SELECT count(*) FROM t", r -> r.get(0, Long.class)).single();
    }

    private static Mono<Long> insert(Connection c, int v) {
        return Flux.from(c.createStatement("INSERT INTO t VALUES (?1)").bind(0, v).execute())
                .concatMap(Result::getRowsUpdated).single();
    }

    @Test
    void commitKeepsAndRollbackDiscards() {
        Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                .then(insert(c, 1))
                .then(Mono.from(c.commitTransaction()))
                .then(Mono.from(c.beginTransaction()))
                .then(insert(c, 2))
                .then(Mono.from(c.rollbackTransaction())), Connection::close)
                .as(StepVerifier::create).verifyComplete();
        count().as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    /** Counts for minutes unless interrupted: a write SQLite rolls its whole transaction back for, if interrupted. */
    private static final String ENDLESS_WRITE = "INSERT INTO t SELECT i FROM (WITH RECURSIVE n(i) AS (SELECT 1"
            + " UNION ALL SELECT i + 1 FROM n) SELECT i FROM n)";

    /**
     * SQLite rolls a transaction back by itself when an INSERT, UPDATE or DELETE in it is interrupted, here by a
     * statement timeout. The driver's transaction then refuses later statements and COMMIT with
     * {@link R2dbcRollbackException}, naming the write: run in auto-commit mode instead, as they were, the insert
     * after the timeout was committed on its own while the one before it was lost. A rollback ends it, nothing of
     * it is kept, and the connection works again. Through {@code beginTransaction()} and auto-commit off.
     */
    @ParameterizedTest
    @ValueSource(strings = {"beginTransaction", "auto-commit off"})
    void aTransactionSqliteRolledBackRefusesItsLaterStatementsAndCommit(String begin) {
        Connection c = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono<Void> begun = begin.equals("beginTransaction") ? Mono.from(c.beginTransaction())
                    : Mono.from(c.setAutoCommit(false));
            begun.then(insert(c, 1)).then(Mono.from(c.setStatementTimeout(Duration.ofMillis(100))))
                    .block(SqliteTesting.TIMEOUT);
            Flux.from(c.createStatement(ENDLESS_WRITE).execute()).concatMap(Result::getRowsUpdated)
                    .as(StepVerifier::create)
                    .expectError(R2dbcTimeoutException.class)
                    .verify(SqliteTesting.TIMEOUT);
            Mono.from(c.setStatementTimeout(Duration.ZERO)).block(SqliteTesting.TIMEOUT);

            insert(c, 2).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertTrue(e instanceof R2dbcRollbackException, String.valueOf(e));
                        assertTrue(e.getMessage().contains(ENDLESS_WRITE), e.getMessage());
                        assertEquals("INSERT INTO t VALUES (?1)", ((R2dbcRollbackException) e).getSql());
                    })
                    .verify(SqliteTesting.TIMEOUT);
            Mono.from(c.createSavepoint("s")).as(StepVerifier::create)
                    .expectError(R2dbcRollbackException.class).verify(SqliteTesting.TIMEOUT);
            Mono.from(c.commitTransaction()).as(StepVerifier::create)
                    .expectError(R2dbcRollbackException.class).verify(SqliteTesting.TIMEOUT);
            count().as(StepVerifier::create).expectNext(0L).verifyComplete();

            Mono.from(c.rollbackTransaction()).then(Mono.from(c.setAutoCommit(true)))
                    .then(insert(c, 3))
                    .as(StepVerifier::create).expectNext(1L).verifyComplete();
            count().as(StepVerifier::create).expectNext(1L).verifyComplete();
        } finally {
            Mono.from(c.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    /**
     * The {@link R2dbcRollbackException} names the write that SQLite rolled the transaction back for as the caller
     * wrote it: its leading comment (a block comment, a line comment) kept, its case as it was, white space around it
     * dropped. It used to drop the comment.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/* note */ ", "-- x\n", " \n\t ", "/* a */ -- b\n", "lower"})
    void theRollbackErrorNamesTheWriteAsWritten(String lead) {
        String write = lead.equals("lower") ? ENDLESS_WRITE.toLowerCase(java.util.Locale.ROOT) : lead + ENDLESS_WRITE;
        String named = write.strip();
        Connection c = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(c.beginTransaction()).then(insert(c, 1))
                    .then(Mono.from(c.setStatementTimeout(Duration.ofMillis(100)))).block(SqliteTesting.TIMEOUT);
            Flux.from(c.createStatement(write).execute()).concatMap(Result::getRowsUpdated)
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> assertEquals(named, ((R2dbcTimeoutException) e).getSql()))
                    .verify(SqliteTesting.TIMEOUT);
            Mono.from(c.setStatementTimeout(Duration.ZERO)).block(SqliteTesting.TIMEOUT);
            insert(c, 2).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertTrue(e instanceof R2dbcRollbackException, String.valueOf(e));
                        assertTrue(e.getMessage().contains("failed or was interrupted ('" + named + "')"),
                                e.getMessage());
                    })
                    .verify(SqliteTesting.TIMEOUT);
            Mono.from(c.rollbackTransaction()).block(SqliteTesting.TIMEOUT);
        } finally {
            Mono.from(c.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    /** A statement that fails in a transaction that SQLite keeps (a constraint) leaves the transaction usable. */
    @Test
    void aFailedStatementInATransactionSqliteKeepsLeavesItUsable() {
        update(factory, "CREATE UNIQUE INDEX t_v ON t (v)").block(SqliteTesting.TIMEOUT);
        Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                        .then(insert(c, 1))
                        .then(insert(c, 1).onErrorResume(R2dbcDataIntegrityViolationException.class, e -> Mono.empty()))
                        .then(insert(c, 2))
                        .then(Mono.from(c.commitTransaction())),
                Connection::close)
                .as(StepVerifier::create).verifyComplete();
        count().as(StepVerifier::create).expectNext(2L).verifyComplete();
    }

    @Test
    void aTransactionSeesItsOwnWritesAndOthersDoNotUntilCommit() {
        Connection writer = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(writer.beginTransaction()).then(insert(writer, 1)).block(SqliteTesting.TIMEOUT);
            Flux.from(writer.createStatement("SELECT count(*) FROM t").execute())
                    .concatMap(r -> r.map(row -> row.get(0, Long.class)))
                    .as(StepVerifier::create).expectNext(1L).verifyComplete();
            count().as(StepVerifier::create).expectNext(0L).verifyComplete();
            Mono.from(writer.commitTransaction()).block(SqliteTesting.TIMEOUT);
            count().as(StepVerifier::create).expectNext(1L).verifyComplete();
        } finally {
            Mono.from(writer.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void closingAConnectionRollsBackItsTransactionAndReleasesTheWriter() {
        Connection abandoned = factory.create().block(SqliteTesting.TIMEOUT);
        Mono.from(abandoned.beginTransaction()).then(insert(abandoned, 1)).block(SqliteTesting.TIMEOUT);
        Mono.from(abandoned.close()).as(StepVerifier::create).verifyComplete();
        // the writer lane is free again: this would wait forever otherwise
        update(factory, "INSERT INTO t VALUES (2)").as(StepVerifier::create).expectNext(1L)
                .verifyComplete();
        count().as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    /**
     * Runs query {@code sql} on {@code c}, reading all its rows, and returns once its statement runs on the lane (its
     * statement is prepared there, first): work queued on the lane from now on waits behind it.
     */
    private CompletableFuture<List<Long>> running(Connection c, String sql) {
        long prepared = factory.metrics().statementsPrepared();
        CompletableFuture<List<Long>> rows = Flux.from(c.createStatement(sql).execute())
                .concatMap(r -> r.map(row -> row.get(0, Long.class))).collectList().toFuture();
        SqliteTesting.await("the query runs", () -> factory.metrics().statementsPrepared() > prepared,
                factory::metrics);
        return rows;
    }

    /** Counts to five million: a lane busy for about a second. */
    private static final String SLOW_QUERY = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
            + " WHERE i < 5000000) SELECT count(*) FROM n";

    /**
     * Work of a transaction queued on its lane behind its COMMIT or ROLLBACK (a second COMMIT, a statement, a
     * savepoint, subscribed together with the ending rather than after it) finds the transaction over when its turn
     * comes, and does nothing on the lane, which by then may be the next lessee's: a COMMIT after a COMMIT completes,
     * a COMMIT after a ROLLBACK, a statement or a savepoint fails with {@link R2dbcNonTransientResourceException}
     * saying how the transaction ended.
     * Before, such a statement ran in auto-commit mode outside any transaction, and such a SAVEPOINT began a
     * transaction of its own on a lane that went back to its pool with it open.
     */
    @ParameterizedTest
    @ValueSource(strings = {"commit, commit", "rollback, commit", "commit, insert", "rollback, insert",
            "commit, savepoint", "commit, rollback to savepoint"})
    void workQueuedBehindTheEndOfItsTransactionDoesNotRun(String calls) throws Exception {
        Connection c = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(c.beginTransaction()).then(Mono.from(c.createSavepoint("s"))).then(insert(c, 1))
                    .block(SqliteTesting.TIMEOUT);
            boolean commits = calls.startsWith("commit");
            Mono<Void> ending = Mono.from(commits ? c.commitTransaction() : c.rollbackTransaction());
            Mono<?> behind = switch (calls.substring(calls.indexOf(", ") + 2)) {
                case "commit" -> Mono.from(c.commitTransaction());
                case "insert" -> insert(c, 2);
                case "savepoint" -> Mono.from(c.createSavepoint("late"));
                default -> Mono.from(c.rollbackTransactionToSavepoint("s"));
            };
            // a query of the transaction keeps the lane busy while both are queued behind it (the ending then makes
            // its result fail, unread, while it runs on): it runs once its statement is prepared
            CompletableFuture<List<Long>> busy = running(c, SLOW_QUERY);
            Mono<Void> both = Mono.when(ending, behind);
            if (calls.equals("commit, commit")) {
                both.as(StepVerifier::create).verifyComplete();
            } else {
                both.as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            assertTrue(e.getMessage().contains((commits ? "was committed" : "was rolled back")
                                    + " before this SQL ran"), e::getMessage);
                            // the application's own ending: not transient, which would ask to run it again
                            assertEquals(R2dbcNonTransientResourceException.class, e.getClass());
                        })
                        .verify(SqliteTesting.TIMEOUT);
            }
            busy.handle((read, error) -> null).get(SqliteTesting.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(c.isAutoCommit());
            count().as(StepVerifier::create).expectNext(commits ? 1L : 0L).verifyComplete();
            // no transaction was left open on the lane: another factory on the file writes at once
            SqliteConnectionFactory other = SqliteTesting.file(sqlite.file(),
                    b -> b.busyTimeout(Duration.ofMillis(500)));
            try {
                update(other, "INSERT INTO t VALUES (3)").as(StepVerifier::create).expectNext(1L).verifyComplete();
            } finally {
                SqliteTesting.close(other).block(SqliteTesting.TIMEOUT);
            }
            count().as(StepVerifier::create).expectNext(commits ? 2L : 1L).verifyComplete();
        } finally {
            Mono.from(c.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    /**
     * A statement sent while its transaction's COMMIT was waiting for an unread result to close runs before that
     * COMMIT, which does not wait for its rows: they are not read after the COMMIT, on a lane that may be the next
     * lessee's, and their reader is told why.
     */
    @Test
    void rowsOfAStatementSentAsItsTransactionEndedAreNotReadAfterIt() throws Exception {
        Connection c = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(c.beginTransaction()).then(insert(c, 1)).then(insert(c, 2)).then(insert(c, 3))
                    .block(SqliteTesting.TIMEOUT);
            // an unread result, which the COMMIT closes first, on the lane, behind the slow query
            Mono.from(c.createStatement("SELECT v FROM t").fetchSize(1).execute()).block(SqliteTesting.TIMEOUT);
            CompletableFuture<List<Long>> busy = running(c, SLOW_QUERY);
            CompletableFuture<Void> committed = Mono.from(c.commitTransaction()).toFuture();
            Flux<Integer> rows = Flux.from(c.createStatement("SELECT v FROM t ORDER BY v").fetchSize(1).execute())
                    .concatMap(r -> r.map(row -> row.get(0, Integer.class)));
            StepVerifier.create(rows, 1)
                    .expectNext(1)
                    .then(() -> committed.join())
                    .thenRequest(10)
                    .expectErrorSatisfies(e -> assertTrue(e.getMessage().contains("the transaction was committed"
                            + " before this SQL ran"), e::getMessage))
                    .verify(SqliteTesting.TIMEOUT);
            busy.handle((read, error) -> null).get(SqliteTesting.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            SqliteTesting.awaitNothingLeased(factory);
            count().as(StepVerifier::create).expectNext(3L).verifyComplete();
        } finally {
            Mono.from(c.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    /**
     * A result whose transaction ends while its statement reads its first batch of rows fails after that batch
     * instead of completing with it as if that were all: before, a reader got 128 of 250 rows and no error.
     */
    @Test
    void aResultWhoseTransactionEndsAsItsFirstRowsAreReadFailsRatherThanEndEarly() throws Exception {
        Connection c = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(c.beginTransaction()).then(insert(c, 1)).block(SqliteTesting.TIMEOUT);
            // 250 rows, one every 40,000 of a count to 10,000,000: the first batch (128) takes about a second to read,
            // and the COMMIT's abort comes while it is read
            CompletableFuture<List<Long>> read = running(c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
                    + " SELECT i + 1 FROM n WHERE i < 10000000) SELECT i FROM n WHERE i % 40000 = 0");
            Mono.from(c.commitTransaction()).block(SqliteTesting.TIMEOUT);
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> read.get(SqliteTesting.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().contains("the transaction ended before this result was read"),
                    failed.getCause()::toString);
            count().as(StepVerifier::create).expectNext(1L).verifyComplete();
        } finally {
            Mono.from(c.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    /**
     * A COMMIT on a closed connection fails as other calls there do, rather than complete as if it had committed
     * what the close rolled back; a ROLLBACK there completes.
     */
    @Test
    void aCommitAfterCloseFails() {
        Connection c = factory.create().block(SqliteTesting.TIMEOUT);
        Mono.from(c.beginTransaction()).then(insert(c, 1)).then(Mono.from(c.close())).block(SqliteTesting.TIMEOUT);
        Mono.from(c.commitTransaction()).as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertTrue(e.getMessage().contains("is closed"), e::toString))
                .verify(SqliteTesting.TIMEOUT);
        Mono.from(c.rollbackTransaction()).as(StepVerifier::create).verifyComplete();
        count().as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    void writersInOneFactoryQueueForTheWriterLane() {
        Flux.range(0, 20)
                .flatMap(i -> Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                        .then(insert(c, i))
                        .then(insert(c, i))
                        .then(Mono.from(c.commitTransaction())), Connection::close))
                .then()
                .as(StepVerifier::create).verifyComplete();
        count().as(StepVerifier::create).expectNext(40L).verifyComplete();
    }

    @Test
    void withAutoCommitOffStatementsJoinATransactionUntilCommit() {
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            assertTrue(connection.isAutoCommit());
            Mono.from(connection.setAutoCommit(false)).block(SqliteTesting.TIMEOUT);
            assertFalse(connection.isAutoCommit());
            insert(connection, 1).block(SqliteTesting.TIMEOUT);
            count().as(StepVerifier::create).expectNext(0L).verifyComplete();
            Mono.from(connection.commitTransaction()).block(SqliteTesting.TIMEOUT);
            count().as(StepVerifier::create).expectNext(1L).verifyComplete();
            insert(connection, 2).block(SqliteTesting.TIMEOUT);
            Mono.from(connection.rollbackTransaction()).block(SqliteTesting.TIMEOUT);
            count().as(StepVerifier::create).expectNext(1L).verifyComplete();
            insert(connection, 3).block(SqliteTesting.TIMEOUT);
            // turning auto-commit back on commits
            Mono.from(connection.setAutoCommit(true)).block(SqliteTesting.TIMEOUT);
            assertTrue(connection.isAutoCommit());
            count().as(StepVerifier::create).expectNext(2L).verifyComplete();
        } finally {
            Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void savepointsNestInATransaction() {
        Mono.usingWhen(factory.create(), c -> Mono.from(c.createSavepoint("outer"))
                .then(Mono.fromRunnable(() -> assertFalse(c.isAutoCommit())))
                .then(insert(c, 1))
                .then(Mono.from(c.createSavepoint("in\"ner")))
                .then(insert(c, 2))
                .then(Mono.from(c.rollbackTransactionToSavepoint("in\"ner")))
                .then(insert(c, 3))
                .then(Mono.from(c.releaseSavepoint("outer")))
                .then(Mono.from(c.commitTransaction())), Connection::close)
                .as(StepVerifier::create).verifyComplete();
        query(factory, "SELECT v FROM t ORDER BY v", r -> r.get(0, Integer.class))
                .as(StepVerifier::create).expectNext(1, 3).verifyComplete();
    }

    @Test
    void deferredBeginModeLeavesOtherWritersFreeUntilTheFirstWrite() {
        SqliteConnectionFactory deferred = SqliteTesting.file(sqlite.file(),
                b -> b.beginMode(SqliteConnectionConfiguration.BeginMode.DEFERRED));
        Connection connection = deferred.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(connection.beginTransaction()).block(SqliteTesting.TIMEOUT);
            update(factory, "INSERT INTO t VALUES (1)").as(StepVerifier::create).expectNext(1L).verifyComplete();
            Mono.from(connection.rollbackTransaction()).block(SqliteTesting.TIMEOUT);
        } finally {
            Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
            SqliteTesting.close(deferred).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void isolationLevelsAreSqlitesOwn() {
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            assertTrue(connection.getTransactionIsolationLevel() == IsolationLevel.SERIALIZABLE);
            Mono.from(connection.setTransactionIsolationLevel(IsolationLevel.READ_COMMITTED))
                    .as(StepVerifier::create)
                    .expectErrorMessage("SQLite supports the isolation levels SERIALIZABLE and READ_UNCOMMITTED, not"
                            + " READ COMMITTED")
                    .verify(SqliteTesting.TIMEOUT);
            Mono.from(connection.setTransactionIsolationLevel(IsolationLevel.READ_UNCOMMITTED))
                    .then(Mono.from(connection.beginTransaction()))
                    .then(insert(connection, 1))
                    .then(Mono.from(connection.commitTransaction()))
                    .as(StepVerifier::create).verifyComplete();
            assertTrue(connection.getTransactionIsolationLevel() == IsolationLevel.READ_UNCOMMITTED);
        } finally {
            Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    private static io.r2dbc.spi.TransactionDefinition readOnly() {
        return new io.r2dbc.spi.TransactionDefinition() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T getAttribute(io.r2dbc.spi.Option<T> option) {
                return option.equals(io.r2dbc.spi.TransactionDefinition.READ_ONLY) ? (T) Boolean.TRUE : null;
            }
        };
    }

    @Test
    void aReadOnlyTransactionCannotWrite() {
        Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction(
                readOnly())).then(insert(c, 1)), Connection::close)
                .as(StepVerifier::create)
                .expectError(io.r2dbc.spi.R2dbcPermissionDeniedException.class)
                .verify(Duration.ofSeconds(30));
        count().as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    void transactionSqlInAutoCommitModeMustEndInTheSameExecution() {
        update(factory, "BEGIN IMMEDIATE; INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); COMMIT")
                .as(StepVerifier::create).expectNext(2L).verifyComplete();
        update(factory, "BEGIN; INSERT INTO t VALUES (3)")
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertTrue(e.getMessage().startsWith(
                        "this SQL left a transaction open on a connection in auto-commit mode, so it was rolled back"),
                        e.getMessage()))
                .verify(Duration.ofSeconds(30));
        update(factory, "BEGIN").as(StepVerifier::create).expectError().verify(Duration.ofSeconds(30));
        // nothing of the rolled back transactions, and the writer lane is free
        update(factory, "INSERT INTO t VALUES (4)").as(StepVerifier::create).expectNext(1L).verifyComplete();
        query(factory, "SELECT v FROM t ORDER BY v", r -> r.get(0, Integer.class))
                .as(StepVerifier::create).expectNext(1, 2, 4).verifyComplete();
    }

    @Test
    void aScriptThatFailsInsideItsOwnTransactionLeavesNoTransactionOnTheLane() {
        // the second INSERT fails, so the script never reaches its end, where it would have been told off
        update(factory, "BEGIN; INSERT INTO t VALUES (1); INSERT INTO no_such_table VALUES (2)")
                .as(StepVerifier::create).expectError(io.r2dbc.spi.R2dbcBadGrammarException.class)
                .verify(Duration.ofSeconds(30));
        // the next statement on the writer lane commits on its own, outside the failed script's transaction
        update(factory, "INSERT INTO t VALUES (3)").as(StepVerifier::create).expectNext(1L).verifyComplete();
        SqliteConnectionFactory other = SqliteTesting.file(sqlite.file());
        try {
            query(other, "SELECT v FROM t ORDER BY v", r -> r.get(0, Integer.class))
                    .as(StepVerifier::create).expectNext(3).verifyComplete();
        } finally {
            SqliteTesting.close(other).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void endingATransactionClosesItsUnreadResultsAndSaysSo() {
        update(factory, "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)")
                .block(SqliteTesting.TIMEOUT);
        for (boolean commit : new boolean[] {true, false}) {
            Mono.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                    .then(Mono.from(c.createStatement("SELECT v FROM t").fetchSize(1).execute()))
                    .flatMap(unread -> Mono.from(commit ? c.commitTransaction() : c.rollbackTransaction())
                            .thenMany(unread.map(row -> row.get(0)))
                            .then()), Connection::close)
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertEquals("the transaction ended before this result was read; read results before "
                                + (commit ? "committing" : "rolling back"), e.getMessage());
                        assertEquals(R2dbcNonTransientResourceException.class, e.getClass());
                    })
                    .verify(Duration.ofSeconds(30));
        }
        assertEquals(0, factory.metrics().acquiredSize(), "lanes leased");
    }
}
