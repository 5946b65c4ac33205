package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.database.MigrationLock;
import dev.minoro.internal.database.StatementSource;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresPooler;
import dev.minoro.testing.PostgresServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * Minoro behind PgBouncer in transaction mode, the way Supabase's and Neon's pooled endpoints work: each
 * transaction may run on another server connection.
 */
@ExtendWith(PostgresServer.class)
final class PostgresPoolerIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void queriesAndTransactionsRunThroughPgBouncerInPoolerMode(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE counters (name text PRIMARY KEY, n int NOT NULL)");
        try (PostgresPooler pooler = PostgresPooler.start(db.server(), 3)) {
            // pgbouncer=true in the URL turns pooler mode on.
            Database database = MinoroRuntime.open(DatabaseConfig.postgres(pooler.url(db.name())).withPoolSize(0, 10))
                    .block(TIMEOUT);
            try {
                // Many clients, few server connections: bound statements hop between server connections.
                Flux.range(0, 200)
                        .flatMap(i -> database.withConnection("adding", c -> select(c, "SELECT $1::int + $2::int", i, 1)), 10)
                        .reduce(0L, (sum, n) -> sum + n)
                        .as(StepVerifier::create)
                        .expectNext(200L * 201 / 2)
                        .expectComplete()
                        .verify(TIMEOUT);
                Flux.range(0, 50)
                        .flatMap(i -> database.inTransaction("counting", c -> execute(c::createStatement,
                                "INSERT INTO counters VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1",
                                "k" + (i % 5))), 10)
                        .then()
                        .as(StepVerifier::create)
                        .expectComplete()
                        .verify(TIMEOUT);
                assertEquals(List.of("50"), db.queryStrings("SELECT sum(n) FROM counters"));
            } finally {
                database.close().block(TIMEOUT);
            }
        }
    }

    @Test
    void namedPreparedStatementsBreakBehindATransactionPoolerWithoutPoolerMode(PostgresDatabase db) throws Exception {
        try (PostgresPooler pooler = PostgresPooler.start(db.server(), 1)) {
            String url = pooler.url(db.name()).replace("&pgbouncer=true", "");
            // Two client connections share the one server connection; each names its first statement S_0.
            Database caching = MinoroRuntime.open(DatabaseConfig.postgres(url)).block(TIMEOUT);
            Database pooled = MinoroRuntime.open(DatabaseConfig.postgres(url).withPoolerMode(true)).block(TIMEOUT);
            try {
                twoClientsTakingTurns(caching)
                        .as(StepVerifier::create)
                        .expectErrorSatisfies(e -> assertInstanceOf(DatabaseException.class, e))
                        .verify(TIMEOUT);
                twoClientsTakingTurns(pooled)
                        .as(StepVerifier::create)
                        .expectNext(List.of(1, 2))
                        .expectComplete()
                        .verify(TIMEOUT);
            } finally {
                caching.close().block(TIMEOUT);
                pooled.close().block(TIMEOUT);
            }
        }
    }

    /**
     * Issue 8.8: a boot through a transaction pooler without pooler mode fails with
     * {@code prepared statement "S_0" already exists} (42P05), since another client's statement of that name
     * lives on the one server connection; the message must say to turn pooler mode on.
     */
    @Test
    void aBootBehindATransactionPoolerWithoutPoolerModeSaysToTurnItOn(PostgresDatabase db) throws Exception {
        try (PostgresPooler pooler = PostgresPooler.start(db.server(), 1)) {
            DatabaseConfig withoutPoolerMode = DatabaseConfig.postgres(pooler.url(db.name()).replace("&pgbouncer=true", ""));
            Database other = MinoroRuntime.open(withoutPoolerMode).block(TIMEOUT);
            try {
                // Another application's client names its first statement S_0 on the one server connection.
                other.withConnection("preparing", c -> select(c, "SELECT $1::int", 1, 0)).block(TIMEOUT);
                Minoro.create(MinoroConfig.of(withoutPoolerMode)).as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            assertInstanceOf(DatabaseException.class, e);
                            assertEquals("42P05", sqlState(e));
                            assertTrue(e.getMessage().contains("prepared statement \"S_0\" already exists (SQLSTATE"
                                    + " 42P05)"), e.getMessage());
                            assertTrue(e.getMessage().endsWith("as happens behind a transaction pooler (PgBouncer in"
                                    + " transaction mode, Supabase's port 6543, Neon's -pooler hosts); turn pooler mode"
                                    + " on with pgbouncer=true in the connection string or"
                                    + " DatabaseConfig.withPoolerMode(true)"), e.getMessage());
                        })
                        .verify(TIMEOUT);
                // With pooler mode on, the same boot goes through.
                Minoro.create(MinoroConfig.of(withoutPoolerMode.withPoolerMode(true))).flatMap(Minoro::close)
                        .as(StepVerifier::create)
                        .expectComplete()
                        .verify(TIMEOUT);
            } finally {
                other.close().block(TIMEOUT);
            }
        }
    }

    /**
     * The other face of the same mistake: a client's cached statement S_0 lands on a server connection where
     * another client's S_0 takes another number of parameters (08P01). (A statement the server connection does
     * not know at all, 26000, the driver prepares again by itself.)
     */
    @Test
    void aCachedStatementOnAnotherServerConnectionSaysToTurnPoolerModeOn(PostgresDatabase db) throws Exception {
        try (PostgresPooler pooler = PostgresPooler.start(db.server(), 2)) {
            String url = pooler.url(db.name()).replace("&pgbouncer=true", "");
            Database database = MinoroRuntime.open(DatabaseConfig.postgres(url).withPoolSize(0, 3)).block(TIMEOUT);
            Connection a = Mono.from(database.connections().create()).block(TIMEOUT);
            Connection b = Mono.from(database.connections().create()).block(TIMEOUT);
            Connection c = Mono.from(database.connections().create()).block(TIMEOUT);
            try {
                // a holds server connection X in a transaction, with its S_0 taking one parameter
                Mono.from(a.beginTransaction()).then(select(a, "SELECT $1::int", 1, 0)).block(TIMEOUT);
                // b gets the new server connection Y, where its S_0 takes two
                assertEquals(3, select(b, "SELECT $1::int + $2::int", 1, 2).block(TIMEOUT));
                // c holds Y, and a lets X go: b's next statement runs on X
                Mono.from(c.beginTransaction()).then(Flux.from(c.createStatement("SELECT 1").execute())
                        .flatMap(r -> r.getRowsUpdated()).then()).block(TIMEOUT);
                Mono.from(a.commitTransaction()).block(TIMEOUT);
                select(b, "SELECT $1::int + $2::int", 1, 2)
                        .onErrorMap(e -> database.dialect().translate(e, "adding"))
                        .as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            assertInstanceOf(DatabaseException.class, e);
                            assertEquals("08P01", sqlState(e));
                            assertTrue(e.getMessage().startsWith("adding failed: bind message supplies 2 parameters,"
                                    + " but prepared statement \"S_0\" requires 1 (SQLSTATE 08P01)"), e.getMessage());
                            assertTrue(e.getMessage().endsWith("turn pooler mode on with pgbouncer=true in the"
                                    + " connection string or DatabaseConfig.withPoolerMode(true)"), e.getMessage());
                        })
                        .verify(TIMEOUT);
                Mono.from(c.rollbackTransaction()).block(TIMEOUT);
            } finally {
                Mono.when(a.close(), b.close(), c.close()).block(TIMEOUT);
                database.close().block(TIMEOUT);
            }
        }
    }

    @Test
    void theMigrationLockWorksThroughThePooler(PostgresDatabase db) throws Exception {
        try (PostgresPooler pooler = PostgresPooler.start(db.server(), 4)) {
            Database database = MinoroRuntime.open(DatabaseConfig.postgres(pooler.url(db.name()))).block(TIMEOUT);
            MigrationLock lock = database.dialect().migrationLock();
            try {
                CountDownLatch holds = new CountDownLatch(1);
                Sinks.Empty<Void> release = Sinks.empty();
                Disposable first = lock.withLock(database, TIMEOUT, c -> Mono.fromRunnable(holds::countDown)
                        .then(release.asMono()), (c, done) -> Mono.just(done)).subscribe();
                assertTrue(holds.await(30, TimeUnit.SECONDS));
                lock.withLock(database, Duration.ofMillis(300), c -> Mono.just("never"), (c, never) -> Mono.just(never))
                        .as(StepVerifier::create)
                        .expectErrorMatches(e -> e.getMessage().contains("held the migration lock"))
                        .verify(TIMEOUT);
                release.tryEmitEmpty();
                lock.withLock(database, TIMEOUT, c -> execute(c, "CREATE TABLE minoro_probe (id int)", null),
                                (c, done) -> Mono.just(done))
                        .as(StepVerifier::create)
                        .expectComplete()
                        .verify(TIMEOUT);
                first.dispose();
                assertEquals(List.of("1"), db.queryStrings("SELECT count(*) FROM pg_tables WHERE tablename = 'minoro_probe'"));
            } finally {
                database.close().block(TIMEOUT);
            }
        }
    }

    @Test
    void aSchemaNeedsAPoolerThatPassesSearchPath(PostgresDatabase db) throws Exception {
        try (PostgresPooler pooler = PostgresPooler.start(db.server())) {
            Database database = MinoroRuntime.open(DatabaseConfig.postgres(pooler.url(db.name())).withSchema("auth"))
                    .block(TIMEOUT);
            try {
                database.withConnection("connecting", c -> select(c, "SELECT $1::int", 1, 0))
                        .as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            assertInstanceOf(DatabaseException.class, e);
                            assertTrue(e.getMessage().contains("refused a startup parameter"), e.getMessage());
                            assertTrue(e.getMessage().contains("search_path"), e.getMessage());
                            assertTrue(e.getMessage().contains("track_extra_parameters = search_path"), e.getMessage());
                        })
                        .verify(TIMEOUT);
            } finally {
                database.close().block(TIMEOUT);
            }
        }
    }

    /** The SQLSTATE of the driver's exception behind {@code error}. */
    private static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException) {
                return ((R2dbcException) t).getSqlState();
            }
        }
        return null;
    }

    /** Client one runs a statement, then client two runs another, each on a connection of its own. */
    private static Mono<List<Integer>> twoClientsTakingTurns(Database database) {
        return Mono.usingWhen(Mono.zip(Mono.from(database.connections().create()), Mono.from(database.connections().create())),
                pair -> select(pair.getT1(), "SELECT $1::int", 1, 0)
                        .concatWith(select(pair.getT2(), "SELECT $1::int + 0", 2, 0))
                        .collectList()
                        .onErrorMap(e -> database.dialect().translate(e, "taking turns")),
                pair -> Mono.when(pair.getT1().close(), pair.getT2().close()));
    }

    private static Mono<Integer> select(Connection c, String sql, int a, int b) {
        var statement = c.createStatement(sql).bind(0, a);
        if (sql.contains("$2")) {
            statement.bind(1, b);
        }
        return Flux.from(statement.execute()).flatMap(r -> r.map((row, m) -> row.get(0, Integer.class))).single();
    }

    private static Mono<Void> execute(StatementSource c, String sql, String binding) {
        var statement = c.createStatement(sql);
        if (binding != null) {
            statement.bind(0, binding);
        }
        return Flux.from(statement.execute()).flatMap(r -> r.getRowsUpdated()).then();
    }
}
