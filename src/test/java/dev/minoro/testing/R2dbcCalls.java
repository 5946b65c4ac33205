package dev.minoro.testing;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One statement on a connection of its own, for the driver tests of SQLite's SQL (Minoro's SQLite driver and its
 * libSQL driver): the connection is opened for the statement and closed after it, however it ends.
 */
public final class R2dbcCalls {

    private R2dbcCalls() {
    }

    /** Runs {@code sql} with {@code values} bound to ?1, ?2 … and emits the total of rows updated. */
    public static Mono<Long> update(ConnectionFactory factory, String sql, Object... values) {
        return Flux.usingWhen(factory.create(),
                c -> Flux.from(bind(c.createStatement(sql), values).execute()).concatMap(Result::getRowsUpdated),
                Connection::close)
                .reduce(0L, Long::sum);
    }

    /** Runs {@code sql} with {@code values} bound to ?1, ?2 … and maps every row. */
    public static <T> Flux<T> query(ConnectionFactory factory, String sql, Function<Readable, T> mapper,
            Object... values) {
        return Flux.usingWhen(factory.create(),
                c -> Flux.from(bind(c.createStatement(sql), values).execute()).concatMap(r -> r.map(mapper)),
                Connection::close);
    }

    /** {@code statement} with {@code values} bound by index (0, 1, …), in order. */
    public static Statement bind(Statement statement, Object... values) {
        for (int i = 0; i < values.length; i++) {
            statement.bind(i, values[i]);
        }
        return statement;
    }
}
