package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.DatabaseType;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Smoke tests of {@code Database.open} on PostgreSQL: the pool, its options, the schema, closing. */
@Tag(PostgresServer.BOTH_MAJORS)
@ExtendWith(PostgresServer.class)
final class PostgresDatabaseIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void opensAPoolThatRunsQueries(PostgresDatabase db) {
        Database database = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            assertEquals(DatabaseType.POSTGRES, database.type());
            assertEquals("postgres", database.dialect().migrationFolder());
            assertEquals("SELECT $1", database.dialect().sql("SELECT $1"));
            assertTrue(database.description().contains("'" + db.name() + "'"), database.description());
            database.withConnection("adding", c -> single(c, "SELECT $1::int + 1", 41, Integer.class))
                    .as(StepVerifier::create)
                    .expectNext(42)
                    .expectComplete()
                    .verify(TIMEOUT);
            database.withConnection("reading the application name",
                            c -> single(c, "SELECT current_setting('application_name')", null, String.class))
                    .as(StepVerifier::create)
                    .expectNext("minoro")
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void openingConnectsToNothingAndClosingDisposesThePool(PostgresDatabase db) {
        // Nothing listens on this port: opening still succeeds, since the pool connects on demand.
        Database idle = MinoroRuntime.open(DatabaseConfig.postgres("postgres://nobody@127.0.0.1:1/none")).block(TIMEOUT);
        idle.close().block(TIMEOUT);

        Database database = MinoroRuntime.open(db.config()).block(TIMEOUT);
        database.withConnection("warming up", c -> single(c, "SELECT 1", null, Integer.class)).block(TIMEOUT);
        database.close().as(StepVerifier::create).expectComplete().verify(TIMEOUT);
        database.close().as(StepVerifier::create).expectComplete().verify(TIMEOUT);
        database.withConnection("querying a closed database", c -> single(c, "SELECT 1", null, Integer.class))
                .as(StepVerifier::create)
                .expectError()
                .verify(TIMEOUT);
    }

    @Test
    void poolNeverOpensMoreThanItsMaximumAndTimesOutAcquisitions(PostgresDatabase db) {
        Database database = MinoroRuntime.open(db.config().withPoolSize(0, 2).withAcquireTimeout(Duration.ofMillis(500)))
                .block(TIMEOUT);
        try {
            Connection first = Mono.from(database.connections().create()).block(TIMEOUT);
            Connection second = Mono.from(database.connections().create()).block(TIMEOUT);
            database.withConnection("waiting for a third connection", c -> Mono.just(1))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(DatabaseException.class, e);
                        assertEquals("waiting for a third connection failed: no connection to "
                                + "PostgreSQL database '" + db.name() + "' on 127.0.0.1:" + db.server().port()
                                + " as user '" + db.server().user() + "' became available within the acquire"
                                + " timeout of 500 ms (the pool holds at most 2; all were busy, or the server was"
                                + " slow to accept a new one); raise DatabaseConfig.withAcquireTimeout or"
                                + " withPoolSize, or check the server", e.getMessage());
                    })
                    .verify(TIMEOUT);
            List<String> mine = db.queryStrings("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'minoro'");
            assertEquals(List.of("2"), mine);
            Mono.from(first.close()).block(TIMEOUT);
            database.withConnection("after a release", c -> single(c, "SELECT 7", null, Integer.class))
                    .as(StepVerifier::create)
                    .expectNext(7)
                    .expectComplete()
                    .verify(TIMEOUT);
            Mono.from(second.close()).block(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void minimumSizeIsKeptOpen(PostgresDatabase db) {
        Database database = MinoroRuntime.open(db.config().withPoolSize(3, 5)).block(TIMEOUT);
        try {
            ConnectionPool pool = assertInstanceOf(ConnectionPool.class,
                    assertInstanceOf(Wrapped.class, database.connections()).unwrap());
            pool.warmup().as(StepVerifier::create).expectNext(3).expectComplete().verify(TIMEOUT);
            List<String> open = db.queryStrings("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'minoro'");
            assertEquals(List.of("3"), open);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void schemaGoesIntoTheSearchPathFoldedToLowerCase(PostgresDatabase db) {
        db.execute("CREATE SCHEMA auth");
        Database database = MinoroRuntime.open(db.config().withSchema("Auth")).block(TIMEOUT);
        try {
            assertTrue(database.description().endsWith(", schema auth"), database.description());
            database.withConnection("reading the schema", c -> single(c, "SELECT current_schema()", null, String.class))
                    .as(StepVerifier::create)
                    .expectNext("auth")
                    .expectComplete()
                    .verify(TIMEOUT);
            database.withConnection("creating a table",
                    c -> Flux.from(c.createStatement("CREATE TABLE minoro_probe (id int)").execute())
                            .flatMap(r -> r.getRowsUpdated()).then(Mono.just(true))).block(TIMEOUT);
            assertEquals(List.of("auth"), db.queryStrings(
                    "SELECT table_schema FROM information_schema.tables WHERE table_name = 'minoro_probe'"));
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void optionsOfTheConnectionStringReachTheServer(PostgresDatabase db) {
        String url = db.url() + "&application_name=billing%20api&options=-c%20search_path%3Dextra,public"
                + "%20-c%20statement_timeout%3D1234";
        Database database = MinoroRuntime.open(DatabaseConfig.postgres(url)).block(TIMEOUT);
        try {
            database.withConnection("reading settings", c -> Flux.from(c.createStatement(
                            "SELECT current_setting('application_name') || '|' || current_setting('search_path')"
                                    + " || '|' || current_setting('statement_timeout')").execute())
                            .flatMap(r -> r.map((row, meta) -> row.get(0, String.class)))
                            .single())
                    .as(StepVerifier::create)
                    .expectNext("billing api|extra,public|1234ms")
                    .expectComplete()
                    .verify(TIMEOUT);
            // Minoro's tables, and so its migration lock, are in the search_path's first schema.
            assertTrue(database.description().endsWith(", schema extra"), database.description());
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void poolerModeStillRunsBoundStatements(PostgresDatabase db) {
        Database database = MinoroRuntime.open(db.config().withPoolerMode(true)).block(TIMEOUT);
        try {
            Flux.range(0, 20)
                    .concatMap(i -> database.withConnection("adding", c -> single(c, "SELECT $1::int * 2", i, Integer.class)))
                    .collectList()
                    .as(StepVerifier::create)
                    .assertNext(list -> assertEquals(20, list.size()))
                    .expectComplete()
                    .verify(TIMEOUT);
            // With the cache off, nothing is prepared under a name on the server.
            database.withConnection("reading prepared statements",
                            c -> single(c, "SELECT count(*)::int FROM pg_prepared_statements", null, Integer.class))
                    .as(StepVerifier::create)
                    .expectNext(0)
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
        Database caching = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            caching.withConnection("reading prepared statements", c -> single(c, "SELECT $1::int", 1, Integer.class)
                            .then(single(c, "SELECT count(*)::int FROM pg_prepared_statements", null, Integer.class)))
                    .as(StepVerifier::create)
                    .assertNext(n -> assertFalse(n == 0, "the default mode prepares named statements"))
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            caching.close().block(TIMEOUT);
        }
    }

    @Test
    void aCancelledTransactionIsRolledBackBeforeItsConnectionIsUsedAgain(PostgresDatabase db) throws Exception {
        // One connection: each transaction gets the one the cancelled transaction had.
        Database database = MinoroRuntime.open(db.config().withPoolSize(0, 1)).block(TIMEOUT);
        try {
            for (int i = 0; i < 20; i++) {
                CountDownLatch inside = new CountDownLatch(1);
                Disposable cancelled = database.inTransaction("being cancelled", c -> single(c, "SELECT 1", null,
                        Integer.class).doOnNext(x -> inside.countDown()).then(Mono.never())).subscribe();
                assertTrue(inside.await(30, TimeUnit.SECONDS));
                cancelled.dispose();
                // Had the rollback come after this transaction's BEGIN, it would end it: the lock would be
                // taken outside any transaction and be gone at once.
                database.inTransaction("holding a transaction lock", c -> single(c,
                                "SELECT pg_try_advisory_xact_lock(42)", null, Boolean.class)
                                .then(single(c, "SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory'"
                                        + " AND pid = pg_backend_pid()", null, Integer.class)))
                        .as(StepVerifier::create)
                        .expectNext(1)
                        .expectComplete()
                        .verify(TIMEOUT);
            }
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    static <T> Mono<T> single(Connection c, String sql, Object binding, Class<T> type) {
        var statement = c.createStatement(sql);
        if (binding != null) {
            statement.bind(0, binding);
        }
        return Flux.from(statement.execute()).flatMap(r -> r.map((row, meta) -> row.get(0, type))).single();
    }
}
