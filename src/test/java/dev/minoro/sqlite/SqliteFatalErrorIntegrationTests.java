package dev.minoro.sqlite;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Errors that Reactor takes for fatal to the JVM ({@code Exceptions.throwIfJvmFatal}: a {@link StackOverflowError},
 * a {@link LinkageError}, an {@link OutOfMemoryError}) thrown by a row mapper: Reactor's own operators rethrow them on
 * the thread instead of signalling them, which on a lane's thread left the subscriber waiting for ever and the lane
 * held. Each reaches the subscriber as its error, and the lane serves the next call, with nothing left open.
 */
final class SqliteFatalErrorIntegrationTests {

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("fatal.db", "CREATE TABLE item (id INTEGER PRIMARY KEY,"
            + " name TEXT NOT NULL); INSERT INTO item (name) VALUES ('item1'), ('item2'), ('item3'), ('item4'),"
            + " ('item5')").withOptions(b -> b.readerLanes(1));

    private SqliteConnectionFactory factory;

    @BeforeEach
    void open() {
        factory = sqlite.open();
    }

    static Stream<Supplier<Error>> fatalErrors() {
        return Stream.of(named("StackOverflowError", StackOverflowError::new),
                named("LinkageError", () -> new NoClassDefFoundError("dev/minoro/Missing (thrown by the test)")),
                named("OutOfMemoryError", () -> new OutOfMemoryError("Java heap space (thrown by the test)")));
    }

    private static Supplier<Error> named(String name, Supplier<Error> error) {
        return new Supplier<>() {
            @Override
            public Error get() {
                return error.get();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** A mapper that throws {@code error} at the {@code at}-th row (from 1). */
    private static Function<io.r2dbc.spi.Readable, String> throwingAt(int at, Error error) {
        AtomicInteger rows = new AtomicInteger();
        return row -> {
            if (rows.incrementAndGet() == at) {
                throw error;
            }
            return row.get(0, String.class);
        };
    }

    private void nothingLeasedAndTheLanesServe() {
        SqliteTesting.awaitNothingLeased(factory);
        factory.query("SELECT count(*) FROM item", row -> row.get(0, Long.class)).as(StepVerifier::create)
                .expectNext(5L).verifyComplete();
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("SELECT name FROM item ORDER BY id")
                        .execute()).concatMap(r -> r.map(row -> row.get(0, String.class))), Connection::close)
                .count().as(StepVerifier::create).expectNext(5L).verifyComplete();
        SqliteTesting.awaitNothingLeased(factory);
    }

    @ParameterizedTest
    @MethodSource("fatalErrors")
    void aStatementOutsideAConnectionSignalsItsMappersError(Supplier<Error> fatal) {
        Error error = fatal.get();
        factory.query("SELECT name FROM item ORDER BY id", throwingAt(3, error)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertSame(error, e)).verify(SqliteTesting.TIMEOUT);
        nothingLeasedAndTheLanesServe();
    }

    /** At row 1 the mapper runs in the first batch; at row 4, with a fetch size of 2, in a batch the cursor reads. */
    @ParameterizedTest
    @MethodSource("fatalErrors")
    void aConnectionsResultSignalsItsMappersErrorInTheFirstBatchAndALaterOne(Supplier<Error> fatal) {
        for (int at : new int[] {1, 4}) {
            Error error = fatal.get();
            Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("SELECT name FROM item ORDER BY id")
                            .fetchSize(2).execute()).concatMap(r -> r.map(throwingAt(at, error))), Connection::close)
                    .as(StepVerifier::create).thenConsumeWhile(row -> true)
                    .expectErrorSatisfies(e -> assertSame(error, e))
                    .verify(SqliteTesting.TIMEOUT);
            nothingLeasedAndTheLanesServe();
        }
    }

    /** Result.filter and Result.flatMap run the caller's function too, here at the 4th row, in the cursor's batch. */
    @ParameterizedTest
    @MethodSource("fatalErrors")
    void aResultsFilterAndFlatMapSignalTheirFunctionsError(Supplier<Error> fatal) {
        Error filterError = fatal.get();
        AtomicInteger filtered = new AtomicInteger();
        query(r -> r.filter(segment -> {
            if (filtered.incrementAndGet() == 4) {
                throw filterError;
            }
            return true;
        }).map(row -> 1)).as(StepVerifier::create).thenConsumeWhile(row -> true)
                .expectErrorSatisfies(e -> assertSame(filterError, e)).verify(SqliteTesting.TIMEOUT);
        nothingLeasedAndTheLanesServe();
        Error flatMapError = fatal.get();
        AtomicInteger mapped = new AtomicInteger();
        query(r -> r.flatMap(segment -> {
            if (mapped.incrementAndGet() == 4) {
                throw flatMapError;
            }
            return Mono.just(1);
        })).as(StepVerifier::create).thenConsumeWhile(row -> true)
                .expectErrorSatisfies(e -> assertSame(flatMapError, e)).verify(SqliteTesting.TIMEOUT);
        nothingLeasedAndTheLanesServe();
    }

    private Flux<Object> query(Function<Result, Publisher<?>> read) {
        return Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("SELECT name FROM item ORDER BY id")
                .fetchSize(2).execute()).concatMap(r -> Flux.from(read.apply(r))), Connection::close);
    }

    /**
     * In a transaction the error (at the 4th row, in the cursor's batch) reaches the caller, who can then roll back:
     * the transaction's write is gone, and the writer lane is free again.
     */
    @ParameterizedTest
    @MethodSource("fatalErrors")
    void inATransactionTheErrorReachesTheCallerWhoRollsBack(Supplier<Error> fatal) {
        Error error = fatal.get();
        Connection connection = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            Mono.from(connection.beginTransaction()).block(SqliteTesting.TIMEOUT);
            Statement insert = connection.createStatement("INSERT INTO item (name) VALUES ('in the transaction')");
            Flux.from(insert.execute()).concatMap(Result::getRowsUpdated).blockLast(SqliteTesting.TIMEOUT);
            Flux.from(connection.createStatement("SELECT name FROM item ORDER BY id").fetchSize(2).execute())
                    .concatMap(r -> r.map(throwingAt(4, error)))
                    .as(StepVerifier::create).thenConsumeWhile(row -> true)
                    .expectErrorSatisfies(e -> assertSame(error, e))
                    .verify(SqliteTesting.TIMEOUT);
            Mono.from(connection.rollbackTransaction()).as(StepVerifier::create).verifyComplete();
        } finally {
            Mono.from(connection.close()).block(SqliteTesting.TIMEOUT);
        }
        nothingLeasedAndTheLanesServe();
    }
}
