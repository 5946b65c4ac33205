package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.query;
import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Statements on a real SQLite file: placeholders, scripts, results, update counts and RETURNING. */
final class SqliteStatementIntegrationTests {

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("statements.db");

    private SqliteConnectionFactory factory;

    @BeforeEach
    void open() {
        factory = sqlite.open();
        update(factory, "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER)")
                .as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    void questionMarksBindByIndex() {
        update(factory, "INSERT INTO item (name, qty) VALUES (?, ?)", "apple", 3)
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        query(factory, "SELECT name, qty FROM item WHERE qty = ?", r -> r.get("name", String.class) + r.get("qty"), 3)
                .as(StepVerifier::create).expectNext("apple3").verifyComplete();
    }

    @Test
    void numberedPlaceholdersBindByIndexAndRepeat() {
        // Minoro's core rewrites $n to ?n: ?1 used twice takes one value, bound with bind(0)
        update(factory, "INSERT INTO item (name, qty) VALUES (?2, ?1)", 7, "pear")
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        query(factory, "SELECT name FROM item WHERE name = ?1 OR qty = length(?1) + 3", r -> r.get(0, String.class),
                "pear")
                .as(StepVerifier::create).expectNext("pear").verifyComplete();
    }

    @Test
    void namedParametersBindWithOrWithoutPrefix() {
        Flux.usingWhen(factory.create(), c -> c.createStatement("INSERT INTO item (name, qty) VALUES (:name, @qty)")
                .bind("name", "plum").bind("@qty", 2).execute(), Connection::close)
                .concatMap(Result::getRowsUpdated)
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        query(factory, "SELECT qty FROM item WHERE name = 'plum'", r -> r.get(0, Long.class))
                .as(StepVerifier::create).expectNext(2L).verifyComplete();
    }

    @Test
    void bindingMistakesFailAtOnce() {
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Statement statement = connection.createStatement("INSERT INTO item (name, qty) VALUES (?1, ?2)");
            assertThrows(IndexOutOfBoundsException.class, () -> statement.bind(2, "x"));
            assertThrows(IndexOutOfBoundsException.class, () -> statement.bind(-1, "x"));
            assertThrows(IllegalArgumentException.class, () -> statement.bind(0, null));
            assertThrows(NoSuchElementException.class, () -> statement.bind("nope", "x"));
            IllegalArgumentException unsupported = assertThrows(IllegalArgumentException.class,
                    () -> statement.bind(0, new Object()));
            assertTrue(unsupported.getMessage().contains("java.lang.Object"), unsupported.getMessage());
            statement.bind(0, "x");
            IllegalStateException unbound = assertThrows(IllegalStateException.class, statement::execute);
            assertEquals("parameter ?2 (index 1) is not bound", unbound.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> connection.createStatement("SELECT ?1; SELECT ?1"));
        } finally {
            Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void nullsBindAndReadAsNull() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("INSERT INTO item (name, qty) VALUES (?1, ?2)")
                        .bind(0, "none").bindNull(1, Integer.class).execute())
                        .concatMap(Result::getRowsUpdated)
                        .thenMany(c.createStatement("INSERT INTO item (name, qty) VALUES (?1, ?2)")
                                .bind(0, "none2").bind(1, Parameters.in(Integer.class)).execute())
                        .concatMap(Result::getRowsUpdated),
                Connection::close)
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        query(factory, "SELECT count(*) FROM item WHERE qty IS NULL", r -> r.get(0, Long.class))
                .as(StepVerifier::create).expectNext(2L).verifyComplete();
    }

    @Test
    void addedBindingsRunOncePerSetWithOneResultEach() {
        Flux.usingWhen(factory.create(), c -> {
            Statement statement = c.createStatement("INSERT INTO item (name, qty) VALUES (?1, ?2)");
            statement.bind(0, "a").bind(1, 1).add();
            statement.bind(0, "b").bind(1, 2).add();
            statement.bind(0, "c").bind(1, 3);
            return Flux.from(statement.execute()).concatMap(Result::getRowsUpdated);
        }, Connection::close)
                .as(StepVerifier::create).expectNext(1L, 1L, 1L).verifyComplete();
    }

    @Test
    void aScriptRunsEveryStatementInOrderWithOneResultEach() {
        String script = "-- a migration\n"
                + "CREATE TABLE tag (id INTEGER PRIMARY KEY, label TEXT NOT NULL);\n"
                + "CREATE UNIQUE INDEX tag_label ON tag (label);\n"
                + "/* seed; with a semicolon in a comment */ INSERT INTO tag (label) VALUES ('a;b'), ('c');\n"
                + "CREATE TRIGGER tag_upper AFTER INSERT ON tag BEGIN\n"
                + "  UPDATE tag SET label = CASE WHEN new.label = 'x' THEN 'X' ELSE new.label END WHERE id = new.id;\n"
                + "END;\n"
                + "INSERT INTO tag (label) VALUES ('x');\n";
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(script).execute())
                .concatMap(Result::getRowsUpdated), Connection::close)
                .as(StepVerifier::create)
                .expectNext(0L, 0L, 2L, 0L, 1L)
                .verifyComplete();
        query(factory, "SELECT label FROM tag ORDER BY id", r -> r.get(0, String.class))
                .as(StepVerifier::create).expectNext("a;b", "c", "X").verifyComplete();
    }

    @Test
    void queriesInAScriptEmitTheirRows() {
        update(factory, "INSERT INTO item (name) VALUES ('one'), ('two')").block(SqliteTesting.TIMEOUT);
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                "SELECT count(*) FROM item; UPDATE item SET qty = 5; SELECT sum(qty) FROM item").execute())
                .concatMap(r -> Flux.from(r.flatMap(segment -> segment instanceof Result.RowSegment
                        ? Mono.just("row " + ((Result.RowSegment) segment).row().get(0))
                        : Mono.just("updated " + ((Result.UpdateCount) segment).value())))), Connection::close)
                .as(StepVerifier::create)
                .expectNext("row 2", "updated 2", "row 10")
                .verifyComplete();
    }

    @Test
    void updateCountsCountOnlyTheStatementsOwnRows() {
        update(factory, "INSERT INTO item (name) VALUES ('one'), ('two'), ('three')")
                .as(StepVerifier::create).expectNext(3L).verifyComplete();
        // DDL after DML reports 0, not the count SQLite kept from the INSERT
        update(factory, "CREATE TABLE other (x)").as(StepVerifier::create).expectNext(0L).verifyComplete();
        update(factory, "UPDATE item SET qty = 1 WHERE name <> 'one'").as(StepVerifier::create).expectNext(2L)
                .verifyComplete();
        update(factory, "DELETE FROM item WHERE name = 'nobody'").as(StepVerifier::create).expectNext(0L)
                .verifyComplete();
    }

    @Test
    void returningEmitsTheChangedRowsThenTheirCount() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                "INSERT INTO item (name, qty) VALUES ('a', 1), ('b', 2) RETURNING id, name").execute())
                .concatMap(r -> Flux.from(r.flatMap(segment -> segment instanceof Result.RowSegment
                        ? Mono.just(((Result.RowSegment) segment).row().get("name", String.class))
                        : Mono.just("count " + ((Result.UpdateCount) segment).value())))), Connection::close)
                .as(StepVerifier::create).expectNext("a", "b", "count 2").verifyComplete();
        query(factory, "UPDATE item SET qty = qty * 10 RETURNING qty", r -> r.get(0, Integer.class))
                .collectList()
                .as(StepVerifier::create)
                .assertNext(list -> assertEquals(List.of(10, 20), list.stream().sorted().toList()))
                .verifyComplete();
        query(factory, "DELETE FROM item WHERE name = ?1 RETURNING name", r -> r.get("NAME", String.class), "a")
                .as(StepVerifier::create).expectNext("a").verifyComplete();
    }

    @Test
    void returnGeneratedValuesAppendsReturning() {
        Flux.usingWhen(factory.create(), c -> c.createStatement("INSERT INTO item (name) VALUES ('k')")
                        .returnGeneratedValues("id").execute(), Connection::close)
                .concatMap(r -> r.map(row -> row.get("id", Long.class)))
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        assertThrows(IllegalStateException.class,
                () -> connection.createStatement("SELECT 1").returnGeneratedValues());
        Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
    }

    @Test
    void rowsStreamInBatchesWithBackpressure() {
        update(factory, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
                + " INSERT INTO item (name, qty) SELECT 'n' || i, i FROM n").as(StepVerifier::create)
                .expectNext(1000L).verifyComplete();
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("SELECT qty FROM item ORDER BY qty")
                        .fetchSize(10).execute()).concatMap(r -> r.map(row -> row.get(0, Integer.class))),
                Connection::close)
                .as(p -> StepVerifier.create(p, 0))
                .thenRequest(5)
                .expectNext(1, 2, 3, 4, 5)
                .thenRequest(995)
                .expectNextCount(994)
                .expectNext(1000)
                .verifyComplete();
    }

    @Test
    void aResultCanBeConsumedOnce() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("SELECT 1").execute())
                .concatMap(r -> Flux.from(r.map(row -> row.get(0))).concatWith(r.map(row -> row.get(0)))),
                Connection::close)
                .as(StepVerifier::create)
                .expectNext(1)
                .expectErrorSatisfies(e -> assertInstanceOf(IllegalStateException.class, e))
                .verify();
    }

    @Test
    void rowsReadColumnsByIndexAndCaseInsensitiveName() {
        query(factory, "SELECT 1 AS One, 'x' AS two", r -> List.of(r.get("one"), r.get("ONE", Long.class),
                r.get(1), r.get("Two", String.class)))
                .as(StepVerifier::create)
                .expectNext(List.of(1, 1L, "x", "x"))
                .verifyComplete();
    }

    @Test
    void aBatchRunsItsStatementsInOrderWithOneResultEach() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createBatch()
                        .add("INSERT INTO item (name) VALUES ('x'), ('y')")
                        .add("UPDATE item SET qty = 1; DELETE FROM item WHERE name = 'y'")
                        .add("SELECT name FROM item")
                        .execute())
                        .concatMap(r -> Flux.from(r.flatMap(segment -> segment instanceof Result.RowSegment
                                ? Mono.just(((Result.RowSegment) segment).row().get(0, String.class))
                                : Mono.just(String.valueOf(((Result.UpdateCount) segment).value()))))),
                Connection::close)
                .as(StepVerifier::create).expectNext("2", "2", "1", "x").verifyComplete();
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        assertThrows(IllegalArgumentException.class, () -> connection.createBatch().add("SELECT ?1"));
        assertThrows(IllegalStateException.class, () -> connection.createBatch().execute());
        Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
    }

    @Test
    void filterKeepsTheSegmentsItMatches() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                        "INSERT INTO item (name) VALUES ('a'), ('b') RETURNING name").execute())
                        .concatMap(r -> r.filter(Result.UpdateCount.class::isInstance).getRowsUpdated()),
                Connection::close)
                .as(StepVerifier::create).expectNext(2L).verifyComplete();
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("SELECT name FROM item ORDER BY name")
                        .execute())
                        .concatMap(r -> r.filter(s -> ((Result.RowSegment) s).row().get(0, String.class).equals("b"))
                                .map(row -> row.get(0, String.class))),
                Connection::close)
                .as(StepVerifier::create).expectNext("b").verifyComplete();
    }

    @Test
    void getRowsUpdatedOfAQueryIsEmptyAndReadsNoRows() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n").execute())
                        .concatMap(Result::getRowsUpdated),
                Connection::close)
                .as(StepVerifier::create).verifyComplete();
    }

    @Test
    void connectionMetadataAndValidation() {
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        assertEquals("SQLite", connection.getMetadata().getDatabaseProductName());
        assertTrue(connection.getMetadata().getDatabaseVersion().matches("3\\.\\d+\\.\\d+"),
                connection.getMetadata().getDatabaseVersion());
        Flux.concat(connection.validate(io.r2dbc.spi.ValidationDepth.LOCAL),
                        connection.validate(io.r2dbc.spi.ValidationDepth.REMOTE),
                        Mono.from(connection.beginTransaction()).then(Mono.empty()),
                        connection.validate(io.r2dbc.spi.ValidationDepth.REMOTE),
                        Mono.from(connection.close()).then(Mono.empty()),
                        connection.validate(io.r2dbc.spi.ValidationDepth.REMOTE))
                .as(StepVerifier::create).expectNext(true, true, true, false).verifyComplete();
    }
}
