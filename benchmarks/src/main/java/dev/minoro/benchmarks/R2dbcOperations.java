package dev.minoro.benchmarks;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.ValidationDepth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The measured operations on raw r2dbc-postgresql behind an r2dbc-pool configured as Minoro configures its
 * own (the same sizes and timeouts, local validation, no acquire retry): Minoro's SQL, a connection per
 * operation taken from the pool and given back, as Minoro does.
 */
final class R2dbcOperations implements AutoCloseable {

    private static final String INSERT_USER = RawSql.Flavour.POSTGRES.insertUser();
    private static final String ASSIGN = RawSql.Flavour.POSTGRES.assign();

    private final ConnectionPool pool;
    private final Workload workload;

    R2dbcOperations(BenchPostgres.Server server, String schema, Workload workload) {
        this.pool = minorosPool(server, schema);
        this.workload = workload;
    }

    /**
     * An r2dbc-pool over raw r2dbc-postgresql for {@code schema}, configured as Minoro configures its own by
     * default: {@code DatabaseConfig.withPoolSize(0, 10)}, 30 s acquire, 30 min idle, no lifetime, local validation,
     * no acquire retry.
     */
    static ConnectionPool minorosPool(BenchPostgres.Server server, String schema) {
        return new ConnectionPool(ConnectionPoolConfiguration.builder(
                        new PostgresqlConnectionFactory(server.r2dbc(schema)))
                .name("raw")
                .initialSize(0)
                .minIdle(0)
                .maxSize(10)
                .maxAcquireTime(Duration.ofSeconds(30))
                .maxIdleTime(Duration.ofMinutes(30))
                .maxLifeTime(ConnectionPoolConfiguration.NO_TIMEOUT)
                .validationDepth(ValidationDepth.LOCAL)
                .acquireRetry(0)
                .build());
    }

    Mono<RawSql.UserRow> findByEmail(long k) {
        return findByEmail(Seed.email(Workload.user(k)));
    }

    Mono<RawSql.UserRow> findByEmail(String email) {
        return withConnection(c -> Flux.from(c.createStatement(RawSql.USER_BY_EMAIL)
                        .bind(0, Workload.normalised(email)).execute())
                .concatMap(result -> result.map(RawSql.UserRow::of))
                .next());
    }

    /** The first {@code pageSize} users whose email starts with {@code prefix} (lower case), and one more. */
    Mono<List<RawSql.UserRow>> searchByEmailPrefix(String prefix, int pageSize) {
        return withConnection(c -> Flux.from(c.createStatement(RawSql.SEARCH_BY_EMAIL_PREFIX)
                        .bind(0, prefix).bind(1, RawSql.prefixEnd(prefix)).bind(2, pageSize + 1).execute())
                .concatMap(result -> result.map(RawSql.UserRow::of))
                .collectList());
    }

    Mono<Boolean> hasPermission(long k) {
        int user = Workload.user(k);
        return withConnection(c -> Flux.from(c.createStatement(RawSql.HAS_PERMISSION)
                        .bind(0, Seed.userId(user)).bind(1, Seed.heldPermission(user))
                        .bind(2, RawSql.ALL_PERMISSIONS).execute())
                .concatMap(result -> result.map(row -> Boolean.TRUE))
                .hasElements());
    }

    Mono<?> permissionsOf(long k) {
        return withConnection(c -> Flux.from(c.createStatement(RawSql.PERMISSIONS_OF)
                        .bind(0, Seed.userId(Workload.user(k))).execute())
                .concatMap(result -> result.map(row -> row.get(0, String.class)))
                .collectList());
    }

    /**
     * {@code sessions().validate} the raw way: the token's SHA-256, then Minoro's query; no renewal (a trial's
     * validations all fall within one renewal interval).
     */
    Mono<RawSql.SessionRow> validate(String token) {
        return withConnection(c -> Flux.from(c.createStatement(RawSql.VALIDATE_SESSION)
                        .bind(0, RawSql.tokenHash(token)).bind(1, Instant.now()).execute())
                .concatMap(result -> result.map(RawSql.SessionRow::of))
                .next());
    }

    /** {@code users().create} without a password: Minoro's insert, and the row it returns read as Minoro reads it. */
    Mono<RawSql.UserRow> create(long k) {
        String email = workload.newEmail(k);
        Instant now = Instant.now();
        return withConnection(c -> Flux.from(c.createStatement(INSERT_USER)
                        .bind(0, Seed.versionSevenId(now.toEpochMilli(), k))
                        .bind(1, email)
                        .bind(2, Workload.normalised(email))
                        .bindNull(3, String.class)
                        .bindNull(4, String.class)
                        .bind(5, false)
                        .bind(6, now)
                        .bindNull(7, String.class)
                        .execute())
                .concatMap(result -> result.map(RawSql.UserRow::of))
                .next());
    }

    Mono<Long> assign(long k) {
        return update(c -> c.createStatement(ASSIGN)
                .bind(0, Seed.userId(Workload.assignUser(k)))
                .bind(1, Workload.assignRole(k))
                .bind(2, Instant.now()));
    }

    private Mono<Long> update(Function<Connection, Statement> statement) {
        return withConnection(c -> Flux.from(statement.apply(c).execute())
                .concatMap(Result::getRowsUpdated)
                .reduce(0L, Long::sum));
    }

    /** As Minoro's {@code Database.withConnection}: the connection is closed (given back) however the work ends. */
    private <T> Mono<T> withConnection(Function<Connection, Mono<T>> work) {
        return Mono.usingWhen(pool.create(), work, Connection::close, (c, e) -> c.close(), Connection::close);
    }

    /** The ledger statement, for the boot floor's comparisons. */
    static Publisher<Integer> ledgerHead(Connection connection) {
        return Flux.from(connection.createStatement(RawSql.LEDGER_HEAD).execute())
                .concatMap(result -> result.map(row -> row.get(0, Integer.class)));
    }

    @Override
    public void close() {
        pool.disposeLater().block(Workload.TIMEOUT);
    }
}
