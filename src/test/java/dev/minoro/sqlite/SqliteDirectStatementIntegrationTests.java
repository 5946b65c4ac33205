package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Row;
import java.nio.ByteBuffer;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@link SqliteConnectionFactory#query} and {@link SqliteConnectionFactory#update}: one auto-commit statement run in
 * one lane task, outside any connection. It binds and maps like a connection's statement, refuses what it cannot
 * run, reports SQLite's errors as the driver's R2DBC errors, and, whatever happens to the call (a cancel while it
 * runs, a failing mapper, a lock it waits for), gives its lane back.
 */
final class SqliteDirectStatementIntegrationTests {

    private static final String ENDLESS =
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("direct.db", "CREATE TABLE item (id INTEGER PRIMARY KEY,"
            + " name TEXT NOT NULL UNIQUE, qty INTEGER, data BLOB); INSERT INTO item (name, qty) VALUES ('item1', 1),"
            + " ('item2', 2), ('item3', 3), ('item4', 4), ('item5', 5)")
            .withOptions(b -> b.busyTimeout(Duration.ofMillis(300)));

    private SqliteConnectionFactory factory;

    private SqliteConnectionFactory open(int readerLanes) {
        factory = sqlite.open(b -> b.readerLanes(readerLanes));
        return factory;
    }

    private static final Function<Readable, String> NAME = row -> row.get("name", String.class);

    /** Once the lane has gone back (on its own thread, a moment after the call), no lane is leased or awaited. */
    @Test
    void aQueryBindsItsValuesByPositionAndMapsEachRow() {
        open(1);
        factory.query("SELECT name FROM item WHERE qty >= ? AND qty < ?2 + 0 ORDER BY qty", NAME, 2, 4)
                .as(StepVerifier::create).expectNext("item2", "item3").verifyComplete();
        factory.query("SELECT name FROM item WHERE qty > :min ORDER BY qty DESC", NAME, 3L)
                .as(StepVerifier::create).expectNext("item5", "item4").verifyComplete();
        // a typed null, as R2DBC's Parameters.in gives it, binds as NULL
        factory.query("SELECT count(*) AS n FROM item WHERE ? IS NULL", row -> row.get("n", Long.class),
                        Parameters.in(String.class))
                .as(StepVerifier::create).expectNext(5L).verifyComplete();
        factory.query("SELECT name FROM item WHERE qty = ?", NAME, 99)
                .as(StepVerifier::create).verifyComplete();
        SqliteTesting.awaitNothingLeased(factory);
    }

    @Test
    void aQueryIsColdAndRunsAgainOnEachSubscription() {
        open(1);
        Flux<String> names = factory.query("SELECT name FROM item WHERE qty = 6", NAME);
        names.as(StepVerifier::create).verifyComplete();
        factory.update("INSERT INTO item (name, qty) VALUES ('item6', 6)").as(StepVerifier::create)
                .expectNext(1L).verifyComplete();
        names.as(StepVerifier::create).expectNext("item6").verifyComplete();
    }

    @Test
    void anUpdateEmitsTheRowsItChangedAndAWriteWithReturningEmitsItsRows() {
        open(1);
        factory.update("UPDATE item SET qty = qty + 10 WHERE qty <= ?", 3).as(StepVerifier::create)
                .expectNext(3L).verifyComplete();
        factory.update("CREATE INDEX item_qty ON item (qty)").as(StepVerifier::create)
                .expectNext(0L).verifyComplete();
        factory.update("DELETE FROM item WHERE qty = ?", -1).as(StepVerifier::create)
                .expectNext(0L).verifyComplete();
        factory.query("INSERT INTO item (name, qty) VALUES (?, ?) RETURNING id, name", NAME, "item7", 7)
                .as(StepVerifier::create).expectNext("item7").verifyComplete();
        factory.query("SELECT sum(qty) AS total FROM item", row -> row.get("total", Long.class))
                .as(StepVerifier::create).expectNext(11L + 12 + 13 + 4 + 5 + 7).verifyComplete();
        SqliteTesting.awaitNothingLeased(factory);
    }

    @Test
    void aBlobValueIsReadBeforeTheStatementRuns() {
        open(1);
        byte[] bytes = {1, 2, 3, 4};
        factory.update("UPDATE item SET data = ? WHERE name = 'item1'", Blob.from(Mono.just(ByteBuffer.wrap(bytes))))
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        factory.query("SELECT data FROM item WHERE name = 'item1'", row -> row.get("data", byte[].class))
                .map(List::of)
                .as(StepVerifier::create)
                .assertNext(read -> assertEquals(ByteBuffer.wrap(bytes), ByteBuffer.wrap(read.get(0))))
                .verifyComplete();
    }

    @Test
    void whatCannotRunIsSignalledAsAnIllegalArgumentOnSubscriptionAndRunsNothing() {
        open(1);
        List<Flux<?>> refused = List.of(
                factory.query(null, NAME),
                factory.query("SELECT name FROM item", null),
                factory.query("SELECT 1; SELECT 2", NAME),
                factory.query("   -- nothing\n", NAME),
                factory.query("BEGIN", NAME),
                factory.update("COMMIT").flux(),
                factory.update("SAVEPOINT s").flux(),
                factory.query("SELECT name FROM item WHERE qty = ?", NAME),
                factory.query("SELECT name FROM item WHERE qty = ?", NAME, 1, 2),
                factory.query("SELECT name FROM item WHERE qty = ?", NAME, (Object) null),
                factory.query("SELECT name FROM item WHERE qty = ?", NAME, new Object()),
                factory.update("DELETE FROM item WHERE qty = ?", (Object[]) null).flux());
        for (Flux<?> call : refused) {
            call.as(StepVerifier::create).expectError(IllegalArgumentException.class).verify(SqliteTesting.TIMEOUT);
        }
        factory.query("SELECT count(*) AS n FROM item", row -> row.get("n", Long.class))
                .as(StepVerifier::create).expectNext(5L).verifyComplete();
        assertEquals(0, factory.metrics().acquiredSize());
    }

    @Test
    void sqliteErrorsAreTheDriversR2dbcErrorsNamingTheStatement() {
        open(1);
        String duplicate = "INSERT INTO item (name, qty) VALUES (?, 1)";
        factory.update(duplicate, "item1").as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    R2dbcDataIntegrityViolationException violation =
                            assertInstanceOf(R2dbcDataIntegrityViolationException.class, e);
                    assertEquals(2067, violation.getErrorCode(), "SQLITE_CONSTRAINT_UNIQUE");
                    assertEquals(duplicate, violation.getSql());
                    assertTrue(!e.getMessage().contains("item1"), "the bound value stays out: " + e.getMessage());
                })
                .verify(SqliteTesting.TIMEOUT);
        factory.query("SELECT name FROM no_such_table", NAME).as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertInstanceOf(R2dbcBadGrammarException.class, e))
                .verify(SqliteTesting.TIMEOUT);
        SqliteTesting.awaitNothingLeased(factory);
    }

    @Test
    void aFailingMapperFailsTheQueryAndTheLaneGoesBack() {
        open(1);
        factory.query("SELECT name FROM item", row -> {
            throw new IllegalStateException("mapper failed");
        }).as(StepVerifier::create).expectErrorMessage("mapper failed").verify(SqliteTesting.TIMEOUT);
        factory.query("SELECT name FROM item WHERE qty = 1", row -> null).as(StepVerifier::create)
                .expectError(NullPointerException.class).verify(SqliteTesting.TIMEOUT);
        // a kept statement left mid-read would hold the read open; the next run of the same SQL starts afresh
        factory.query("SELECT name FROM item", NAME).count().as(StepVerifier::create).expectNext(5L).verifyComplete();
        SqliteTesting.awaitNothingLeased(factory);
    }

    @Test
    void cancellingARunningQueryInterruptsItAndTheLaneServesTheNextCall() {
        open(1);
        // one reader lane: a query left running on it would make the next read wait until its busy timeout
        StepVerifier.create(factory.query(ENDLESS, row -> row.get(0)))
                .expectSubscription()
                .then(() -> SqliteTesting.awaitLanes(factory, m -> m.acquiredSize() == 1, "the query on its lane"))
                .thenCancel()
                .verify(SqliteTesting.TIMEOUT);
        SqliteTesting.awaitNothingLeased(factory);
        factory.query("SELECT name FROM item WHERE qty = ?", NAME, 2).as(StepVerifier::create)
                .expectNext("item2").verifyComplete();
    }

    /**
     * A statement that waits its whole busy timeout for a lane that a transaction holds fails with
     * {@link R2dbcTimeoutException} naming that statement ({@code getSql()}), as a statement failing inside SQLite
     * does: through this path and through a connection's statement, for a write and for a read.
     */
    @Test
    void aStatementThatTimesOutWaitingForTheLaneNamesItsSql() {
        open(0);
        Connection holder = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(holder.beginTransaction()).block(SqliteTesting.TIMEOUT);
            String write = "UPDATE item SET qty = 0 WHERE name = 'item1'";
            String read = "SELECT name FROM item WHERE qty = 1";
            List<Mono<?>> waiting = List.of(factory.update(write), factory.query(read, NAME).next(),
                    update(factory, write), R2dbcCalls.query(factory, read, NAME).next());
            List<String> sql = List.of(write, read, write, read);
            for (int i = 0; i < waiting.size(); i++) {
                String expected = sql.get(i);
                waiting.get(i).as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            R2dbcTimeoutException timeout = assertInstanceOf(R2dbcTimeoutException.class, e);
                            assertTrue(timeout.getMessage().contains("for the writer lane"), timeout.getMessage());
                            assertEquals(expected, timeout.getSql());
                            assertEquals(5, timeout.getErrorCode() & 0xff, "SQLITE_BUSY");
                        })
                        .verify(SqliteTesting.TIMEOUT);
            }
            Mono.from(holder.rollbackTransaction()).block(SqliteTesting.TIMEOUT);
        } finally {
            Mono.from(holder.close()).block(SqliteTesting.TIMEOUT);
        }
        SqliteTesting.awaitNothingLeased(factory);
    }

    @Test
    void aCallThatCancelsWhileWaitingForTheLaneNeverRuns() {
        open(1);
        Connection holder = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            // the open transaction holds the writer lane, so the update waits for it
            Mono.from(holder.beginTransaction()).block(SqliteTesting.TIMEOUT);
            StepVerifier.create(factory.update("DELETE FROM item"))
                    .expectSubscription()
                    .then(() -> SqliteTesting.awaitLanes(factory, m -> m.writer().pendingAcquireSize() == 1,
                            "the update waiting for the writer lane"))
                    .thenCancel()
                    .verify(SqliteTesting.TIMEOUT);
            Mono.from(holder.commitTransaction()).block(SqliteTesting.TIMEOUT);
        } finally {
            Mono.from(holder.close()).block(SqliteTesting.TIMEOUT);
        }
        SqliteTesting.awaitNothingLeased(factory);
        factory.query("SELECT count(*) AS n FROM item", row -> row.get("n", Long.class))
                .as(StepVerifier::create).expectNext(5L).verifyComplete();
    }

    @Test
    void aWriteWaitsForAnotherConnectionsLockWithinTheBusyTimeout() throws SQLException {
        open(1);
        try (java.sql.Connection other = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file())) {
            other.setAutoCommit(false);
            other.createStatement().executeUpdate("UPDATE item SET qty = 0 WHERE name = 'item5'");
            factory.update("UPDATE item SET qty = 50 WHERE name = 'item5'").as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        R2dbcTimeoutException timeout = assertInstanceOf(R2dbcTimeoutException.class, e);
                        assertEquals(5, timeout.getErrorCode() & 0xff, "SQLITE_BUSY");
                    })
                    .verify(SqliteTesting.TIMEOUT);
            other.rollback();
        }
        SqliteTesting.awaitNothingLeased(factory);
        factory.update("UPDATE item SET qty = 50 WHERE name = 'item5'").as(StepVerifier::create)
                .expectNext(1L).verifyComplete();
    }

    @Test
    void manyCallsAtOnceShareTheLanesAndEachGetsItsOwnRows() {
        open(2);
        List<String> expected = IntStream.range(0, 400).mapToObj(i -> "item" + (i % 5 + 1))
                .collect(Collectors.toList());
        List<String> names = Flux.range(0, 400)
                .flatMap(i -> factory.query("SELECT name FROM item WHERE qty = ?", NAME, i % 5 + 1)
                        .map(name -> i + ":" + name), 64)
                .collectList()
                .block(SqliteTesting.TIMEOUT);
        assertEquals(400, names.size());
        assertEquals(expected, names.stream().sorted((a, b) -> Integer.compare(index(a), index(b)))
                .map(s -> s.substring(s.indexOf(':') + 1)).collect(Collectors.toList()));
        assertTrue(factory.metrics().readers().allocatedSize() <= 2, factory.metrics().toString());
        assertTrue(factory.metrics().statementsReused() >= 390, factory.metrics().toString());
        SqliteTesting.awaitNothingLeased(factory);
    }

    private static int index(String entry) {
        return Integer.parseInt(entry.substring(0, entry.indexOf(':')));
    }

    @Test
    void aKeptStatementDescribesItsColumnsAnewWhenAnotherConnectionChangesTheirTypes() throws SQLException {
        open(1);
        Function<Readable, Class<?>> qtyType = row -> ((Row) row).getMetadata().getColumnMetadata("qty").getJavaType();
        String sql = "SELECT qty FROM item WHERE name = ?";
        factory.query(sql, qtyType, "item1").as(StepVerifier::create).expectNext(Integer.class).verifyComplete();
        factory.query(sql, row -> row.get("qty"), "item1").as(StepVerifier::create).expectNext(1).verifyComplete();
        try (java.sql.Connection other = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file())) {
            other.createStatement().executeUpdate("DROP TABLE item");
            other.createStatement().executeUpdate("CREATE TABLE item (name TEXT, qty TEXT)");
            other.createStatement().executeUpdate("INSERT INTO item VALUES ('item1', 'one')");
        }
        factory.query(sql, qtyType, "item1").as(StepVerifier::create).expectNext(String.class).verifyComplete();
        factory.query(sql, row -> row.get("qty"), "item1").as(StepVerifier::create).expectNext("one").verifyComplete();
    }

    @Test
    void aClosedFactoryRefusesCallsWithANonTransientError() {
        open(1);
        SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        factory.query("SELECT name FROM item", NAME).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(R2dbcNonTransientResourceException.class, e);
                    assertTrue(e.getMessage().contains("is closed"), e.getMessage());
                })
                .verify(SqliteTesting.TIMEOUT);
        factory.update("DELETE FROM item").as(StepVerifier::create)
                .expectError(R2dbcException.class).verify(SqliteTesting.TIMEOUT);
    }
}
