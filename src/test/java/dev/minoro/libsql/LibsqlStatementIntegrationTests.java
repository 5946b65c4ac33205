package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Result;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** Values, statements and errors against a real sqld: what Hrana carries, and how its errors map. */
@ExtendWith(LibsqlServer.class)
final class LibsqlStatementIntegrationTests {

    private static LibsqlConnectionFactory factory;

    @BeforeAll
    static void open(LibsqlDatabase database) {
        factory = database.factory();
        R2dbcCalls.update(factory, "CREATE TABLE t (id INTEGER PRIMARY KEY, big BIGINT, f REAL, s TEXT, b BLOB)")
                .then(R2dbcCalls.update(factory, "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL,"
                        + " n INTEGER CHECK (n > 0), parent INTEGER REFERENCES u(id))"))
                .block(LibsqlTesting.TIMEOUT);
    }

    @AfterAll
    static void close() {
        factory.close().block(LibsqlTesting.TIMEOUT);
    }

    @Test
    void theFull64BitRangeFloatsTextAndBlobsRoundTrip() {
        byte[] blob = {0, 1, (byte) 0xff, 127, -128};
        for (long value : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 9007199254740993L, -1, 0}) {
            R2dbcCalls.query(factory, "SELECT ?1, ?2, ?3, ?4, typeof(?1)", row -> List.of(row.get(0, Long.class),
                            row.get(1, Double.class), row.get(2, String.class), row.get(3, byte[].class), row.get(4)),
                            value, 0.1, "é ✓ '\"", blob)
                    .as(StepVerifier::create)
                    .assertNext(row -> {
                        assertEquals(value, row.get(0));
                        assertEquals(0.1, row.get(1));
                        assertEquals("é ✓ '\"", row.get(2));
                        assertArrayEquals(blob, (byte[]) row.get(3));
                        assertEquals("integer", row.get(4));
                    })
                    .verifyComplete();
        }
    }

    @Test
    void javaTypesMapAsInTheSqliteDriver() {
        UUID id = UUID.randomUUID();
        Instant at = Instant.ofEpochMilli(1_700_000_000_123L);
        R2dbcCalls.query(factory, "SELECT ?1, typeof(?1), ?2, typeof(?2), ?3, typeof(?3)",
                        row -> List.of(row.get(0, UUID.class), row.get(1), row.get(2, Instant.class), row.get(3),
                                row.get(4, Boolean.class), row.get(5)), id, at, true)
                .as(StepVerifier::create)
                .expectNext(List.of(id, "text", at, "integer", true, "integer"))
                .verifyComplete();
    }

    @Test
    void bigintColumnsReadAsLongAndSmallIntegersAsInteger() {
        R2dbcCalls.update(factory, "INSERT INTO t (id, big) VALUES (1000, 5)").block(LibsqlTesting.TIMEOUT);
        R2dbcCalls.query(factory, "SELECT id, big FROM t WHERE id = 1000", row -> List.of(row.get(0), row.get(1)))
                .as(StepVerifier::create)
                .expectNext(List.of(1000, 5L))
                .verifyComplete();
    }

    @Test
    void returningUpdateCountsAndScripts() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                        "INSERT INTO t (s) VALUES ('a'), ('b') RETURNING id, s").execute())
                        .concatMap(result -> result.flatMap(segment -> Flux.just(segment instanceof Result.UpdateCount
                                ? "count " + ((Result.UpdateCount) segment).value() : "row"))),
                Connection::close)
                .as(StepVerifier::create)
                .expectNext("row", "row", "count 2")
                .verifyComplete();
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                        "UPDATE t SET s = 'z' WHERE s IN ('a', 'b'); CREATE TABLE IF NOT EXISTS v (x); SELECT 1").execute())
                        .concatMap(result -> Flux.from(result.getRowsUpdated()).defaultIfEmpty(-1L)),
                Connection::close)
                .as(StepVerifier::create)
                .expectNext(2L, 0L, -1L)
                .verifyComplete();
    }

    @Test
    void bindingsAndBatchesRunInOneRequestEach() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("INSERT INTO t (s) VALUES ($s)")
                                .bind("s", "one").add().bind("$s", "two").execute())
                        .concatMap(Result::getRowsUpdated)
                        .concatWith(Flux.from(c.createBatch().add("INSERT INTO t (s) VALUES ('three')")
                                .add("SELECT count(*) FROM t WHERE s IN ('one', 'two', 'three')").execute())
                                .concatMap(r -> Flux.from(r.map(row -> row.get(0, Long.class))))),
                Connection::close)
                .as(StepVerifier::create)
                .expectNext(1L, 1L, 3L)
                .verifyComplete();
    }

    @Test
    void mixingPositionalAndNamedParametersIsRefusedAtOnce() {
        Connection connection = factory.create().block(LibsqlTesting.TIMEOUT);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> connection.createStatement("SELECT ?, :name"));
        assertTrue(error.getMessage().contains("all by position"), error.getMessage());
        reactor.core.publisher.Mono.from(connection.close()).block(LibsqlTesting.TIMEOUT);
    }

    /** Hrana carries SQLite's primary code only; the extended code comes from SQLite's message, pinned here. */
    @Test
    void constraintViolationsCarryTheExtendedCodeThatTheirMessageNames() {
        R2dbcCalls.update(factory, "INSERT INTO u (id, email, n) VALUES (1, 'a@x', 1)").block(LibsqlTesting.TIMEOUT);
        assertError("INSERT INTO u (email, n) VALUES ('a@x', 1)", R2dbcDataIntegrityViolationException.class, 2067,
                "UNIQUE constraint failed: u.email");
        assertError("INSERT INTO u (id, email, n) VALUES (1, 'b@x', 1)", R2dbcDataIntegrityViolationException.class,
                2067, "UNIQUE constraint failed: u.id");
        assertError("INSERT INTO u (email, n) VALUES (NULL, 1)", R2dbcDataIntegrityViolationException.class, 1299,
                "NOT NULL constraint failed: u.email");
        assertError("INSERT INTO u (email, n) VALUES ('c@x', 0)", R2dbcDataIntegrityViolationException.class, 275,
                "CHECK constraint failed");
        // sqld runs with foreign keys on
        assertError("INSERT INTO u (email, n, parent) VALUES ('d@x', 1, 99)", R2dbcDataIntegrityViolationException.class,
                787, "FOREIGN KEY constraint failed");
        assertError("SELECT * FROM missing_table", R2dbcBadGrammarException.class, 1, "no such table: missing_table");
        assertError("SELEC 1", R2dbcBadGrammarException.class, 1, "could not be parsed");
    }

    @Test
    void sqlThatLeavesATransactionOpenInAutoCommitModeFails() {
        R2dbcCalls.update(factory, "BEGIN")
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertTrue(e.getMessage().contains("left a transaction open"), e::getMessage))
                .verify(LibsqlTesting.TIMEOUT);
        R2dbcCalls.update(factory, "BEGIN; INSERT INTO t (s) VALUES ('script'); COMMIT")
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    private static void assertError(String sql, Class<? extends R2dbcException> type, int code, String message) {
        R2dbcCalls.update(factory, sql)
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> {
                    assertTrue(type.isInstance(error), () -> sql + ": " + error);
                    assertEquals(code, ((R2dbcException) error).getErrorCode(), sql);
                    assertTrue(error.getMessage().contains(message), error::getMessage);
                    assertEquals(sql, ((R2dbcException) error).getSql());
                })
                .verify(LibsqlTesting.TIMEOUT);
    }
}
