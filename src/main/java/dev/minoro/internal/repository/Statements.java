package dev.minoro.internal.repository;

import dev.minoro.DatabaseException;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.database.DirectStatements;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.time.Duration;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Runs one SQL statement with positional arguments: on a connection over the R2DBC SPI, or, for a statement run on
 * its own, through the database's {@link DirectStatements} where it has them.
 */
final class Statements {

    /** How many times {@link #retriedOnRollback} runs a transaction again. */
    static final int ROLLBACK_RETRIES = 8;

    private Statements() {
    }

    /**
     * A typed null argument: R2DBC drivers need the type of a null to bind it.
     *
     * @param type the Java type of the column
     */
    record Null(Class<?> type) {
    }

    /** A null of {@code type}, to pass as an argument. */
    static Null nullOf(Class<?> type) {
        return new Null(type);
    }

    /** The rows of a query, each mapped by {@code mapper}. */
    static <T> Flux<T> query(Connection connection, String sql, Function<Readable, T> mapper, Object... args) {
        return Flux.from(bind(connection.createStatement(sql), args).execute())
                .concatMap(result -> result.map(mapper::apply));
    }

    /** The number of rows a statement changed. */
    static Mono<Long> update(Connection connection, String sql, Object... args) {
        return Flux.from(bind(connection.createStatement(sql), args).execute())
                .concatMap(Result::getRowsUpdated)
                .reduce(0L, Long::sum);
    }

    /** A cold Mono of the first row of a query, mapped, run on its own (see {@link #all}), for {@code doing}. */
    static <T> Mono<T> first(Database database, String doing, String sql, Function<Readable, T> mapper,
            Object... args) {
        DirectStatements direct = database.direct();
        if (direct != null) {
            // The direct path reads and maps every row before it emits the first: the first is kept without the
            // cancel that next() sends, which would travel up to the driver's lane task and lease for nothing.
            return direct.query(sql, mapper, parameters(args)).reduce((first, later) -> first)
                    .onErrorMap(e -> database.dialect().translate(e, doing));
        }
        return database.withConnection(doing, c -> query(c, sql, mapper, args).next());
    }

    /**
     * A cold Flux of the rows of a query, mapped, run on its own, for {@code doing}: below the R2DBC connection
     * where the database's driver can ({@link Database#direct()}), which reads every row before emitting the first,
     * else on a connection of its own. For a query whose rows have a small bound (a page, a user's roles); one
     * whose rows grow with the data is {@link #streamed}.
     */
    static <T> Flux<T> all(Database database, String doing, String sql, Function<Readable, T> mapper,
            Object... args) {
        DirectStatements direct = database.direct();
        if (direct != null) {
            return direct.query(sql, mapper, parameters(args)).onErrorMap(e -> database.dialect().translate(e, doing));
        }
        return database.withConnectionMany(doing, c -> query(c, sql, mapper, args));
    }

    /**
     * A cold Flux of the rows of a query, mapped, on a connection of its own, for {@code doing}: the rows stream as
     * the subscriber asks for them (the SQLite driver reads them in batches), so a result that grows with the data,
     * such as a role's members, is never held whole.
     */
    static <T> Flux<T> streamed(Database database, String doing, String sql, Function<Readable, T> mapper,
            Object... args) {
        return database.withConnectionMany(doing, c -> query(c, sql, mapper, args));
    }

    /** A cold Mono of whether a query has a row, run on its own (see {@link #all}), for {@code doing}. */
    static Mono<Boolean> exists(Database database, String doing, String sql, Object... args) {
        return first(database, doing, sql, row -> Boolean.TRUE, args).hasElement();
    }

    /** A cold Mono of the number of rows a statement changed, run on its own (see {@link #all}), for {@code doing}. */
    static Mono<Long> update(Database database, String doing, String sql, Object... args) {
        DirectStatements direct = database.direct();
        if (direct != null) {
            return direct.update(sql, parameters(args)).onErrorMap(e -> database.dialect().translate(e, doing));
        }
        return database.withConnection(doing, c -> update(c, sql, args));
    }

    /** {@code args} with each {@link Null} as R2DBC's typed null parameter, for {@link DirectStatements}. */
    private static Object[] parameters(Object[] args) {
        Object[] parameters = args;
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Null) {
                if (parameters == args) {
                    parameters = args.clone();
                }
                parameters[i] = Parameters.in(((Null) args[i]).type());
            }
        }
        return parameters;
    }

    /**
     * {@code work} subscribed again, up to {@value #ROLLBACK_RETRIES} times with a jittered backoff of 20 ms to
     * 500 ms, when the database rolled its transaction back for a deadlock or a serialization failure (SQLSTATE
     * class 40, "transaction rollback", after which the whole transaction may simply run again); when every try
     * was rolled back, the last {@link DatabaseException} is signalled. Role changes take their locks in one order
     * (roles' rows, then users', then memberships, see {@link Sql}), so they do not deadlock one another; the
     * retry is for what Minoro does not order: statements of the application's own, or code of an older version
     * during a rolling deploy (whose role delete locked a role's members before the role). PostgreSQL breaks a deadlock
     * after its {@code deadlock_timeout} (1 s by default).
     */
    static <T> Mono<T> retriedOnRollback(Mono<T> work) {
        return work.retryWhen(Retry.backoff(ROLLBACK_RETRIES, Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(500))
                .filter(e -> e instanceof DatabaseException database && database.sqlState() != null
                        && database.sqlState().startsWith("40"))
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private static Statement bind(Statement statement, Object... args) {
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg instanceof Null) {
                statement.bindNull(i, ((Null) arg).type());
            } else {
                statement.bind(i, arg);
            }
        }
        return statement;
    }
}
