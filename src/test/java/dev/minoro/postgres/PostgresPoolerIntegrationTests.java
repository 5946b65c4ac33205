package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.migration.AdvisoryLock;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresPooler;
import dev.minoro.testing.PostgresServer;
import io.r2dbc.spi.Connection;
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
            Database database = Database.open(DatabaseConfig.postgres(pooler.url(db.name())).withPoolSize(0, 10))
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
                        .flatMap(i -> database.inTransaction("counting", c -> execute(c,
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
            Database caching = Database.open(DatabaseConfig.postgres(url)).block(TIMEOUT);
            Database pooled = Database.open(DatabaseConfig.postgres(url).withPoolerMode(true)).block(TIMEOUT);
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

    @Test
    void theMigrationLockWorksThroughThePooler(PostgresDatabase db) throws Exception {
        try (PostgresPooler pooler = PostgresPooler.start(db.server(), 4)) {
            Database database = Database.open(DatabaseConfig.postgres(pooler.url(db.name()))).block(TIMEOUT);
            AdvisoryLock lock = new AdvisoryLock();
            try {
                CountDownLatch holds = new CountDownLatch(1);
                Sinks.Empty<Void> release = Sinks.empty();
                Disposable first = lock.withLock(database, TIMEOUT, c -> Mono.fromRunnable(holds::countDown)
                        .then(release.asMono())).subscribe();
                assertTrue(holds.await(30, TimeUnit.SECONDS));
                lock.withLock(database, Duration.ofMillis(300), c -> Mono.just("never"))
                        .as(StepVerifier::create)
                        .expectErrorMatches(e -> e.getMessage().contains("held the migration lock"))
                        .verify(TIMEOUT);
                release.tryEmitEmpty();
                lock.withLock(database, TIMEOUT, c -> execute(c, "CREATE TABLE minoro_probe (id int)", null))
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
            Database database = Database.open(DatabaseConfig.postgres(pooler.url(db.name())).withSchema("auth"))
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

    private static Mono<Void> execute(Connection c, String sql, String binding) {
        var statement = c.createStatement(sql);
        if (binding != null) {
            statement.bind(0, binding);
        }
        return Flux.from(statement.execute()).flatMap(r -> r.getRowsUpdated()).then();
    }
}
