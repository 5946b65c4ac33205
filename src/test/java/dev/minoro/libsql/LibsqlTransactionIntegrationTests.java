package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.Result;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Transactions on a real sqld: the baton carries them; an expired stream, a cancelled statement and a closed
 * connection leave the server's transaction rolled back and its write lock free.
 */
@ExtendWith(LibsqlServer.class)
final class LibsqlTransactionIntegrationTests {

    private static LibsqlConnectionFactory factory;

    @BeforeAll
    static void open(LibsqlDatabase database) {
        factory = database.factory();
        R2dbcCalls.update(factory, "CREATE TABLE t (v TEXT)").block(LibsqlTesting.TIMEOUT);
    }

    @AfterAll
    static void close() {
        factory.close().block(LibsqlTesting.TIMEOUT);
    }

    @Test
    void aTransactionSeesItsOwnWritesAndCommitsThemAtOnce() {
        Flux.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                        .thenMany(c.createStatement("INSERT INTO t VALUES ('committed')").execute())
                        .concatMap(Result::getRowsUpdated)
                        .thenMany(count(c, "committed"))
                        .concatWith(count(factory, "committed"))
                        .concatWith(Mono.from(c.commitTransaction()).then(Mono.empty()))
                        .concatWith(count(factory, "committed")),
                Connection::close)
                .as(StepVerifier::create)
                .expectNext(1L, 0L, 1L)
                .verifyComplete();
    }

    /** sqld expires a stream 10 s after its last request; the driver says so, typed, and the work is rolled back. */
    @Test
    void aStreamIdleForMoreThanTenSecondsFailsWithATypedTransientError() {
        Flux.usingWhen(factory.create(), c -> Mono.from(c.beginTransaction())
                        .thenMany(c.createStatement("INSERT INTO t VALUES ('expired')").execute())
                        .concatMap(Result::getRowsUpdated)
                        // the server's own timer: nothing else makes a stream expire
                        .then(Mono.delay(Duration.ofSeconds(11)))
                        .thenMany(c.createStatement("INSERT INTO t VALUES ('after')").execute())
                        .concatMap(Result::getRowsUpdated),
                c -> Mono.from(c.rollbackTransaction()).then(Mono.from(c.close())))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertTrue(e instanceof LibsqlStreamExpiredException, () -> "was " + e);
                    assertTrue(e.getMessage().contains("10 s without a request"), e::getMessage);
                })
                .verify(Duration.ofSeconds(40));
        count(factory, "expired").as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    void aStatementCancelledInATransactionRollsItBackAndFreesTheWriteLock() {
        Connection connection = Mono.from(factory.create()).block(LibsqlTesting.TIMEOUT);
        Mono.from(connection.beginTransaction()).block(LibsqlTesting.TIMEOUT);
        // cancelled as soon as it is sent: BEGIN IMMEDIATE and the insert still run on the server
        Flux.from(connection.createStatement("INSERT INTO t VALUES ('cancelled')").execute())
                .as(StepVerifier::create).thenCancel().verify(LibsqlTesting.TIMEOUT);
        // another writer gets the lock once the driver has rolled back and closed the stream: well before sqld's
        // own remedies (TRANSACTION_TIMEOUT after 5 s, stream expiry after 10 s), which the 4 s limit excludes
        Flux.usingWhen(factory.create(), c -> Mono.from(c.setStatementTimeout(Duration.ofSeconds(4)))
                        .thenMany(c.createStatement("INSERT INTO t VALUES ('other writer')").execute())
                        .concatMap(Result::getRowsUpdated), Connection::close)
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        count(factory, "cancelled").as(StepVerifier::create).expectNext(0L).verifyComplete();
        Flux.from(connection.createStatement("SELECT 1").execute())
                .as(StepVerifier::create)
                .expectError(R2dbcRollbackException.class)
                .verify(LibsqlTesting.TIMEOUT);
        Mono.from(connection.rollbackTransaction()).then(Mono.from(connection.close())).block(LibsqlTesting.TIMEOUT);
    }

    @Test
    void closingAConnectionRollsBackItsTransaction() {
        Connection connection = Mono.from(factory.create()).block(LibsqlTesting.TIMEOUT);
        Mono.from(connection.beginTransaction())
                .thenMany(connection.createStatement("INSERT INTO t VALUES ('closed')").execute())
                .concatMap(Result::getRowsUpdated)
                .then(Mono.from(connection.close()))
                .block(LibsqlTesting.TIMEOUT);
        R2dbcCalls.update(factory, "INSERT INTO t VALUES ('next writer')")
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
        count(factory, "closed").as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    private static Mono<Long> count(Connection connection, String value) {
        return Flux.from(connection.createStatement("SELECT count(*) FROM t WHERE v = ?").bind(0, value).execute())
                .concatMap(r -> r.map(row -> row.get(0, Long.class))).next();
    }

    private static Mono<Long> count(LibsqlConnectionFactory factory, String value) {
        return R2dbcCalls.query(factory, "SELECT count(*) FROM t WHERE v = ?", row -> row.get(0, Long.class), value)
                .next();
    }
}
