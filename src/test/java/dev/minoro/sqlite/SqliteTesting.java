package dev.minoro.sqlite;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Shortcuts for the driver's tests: factories on files, and statements run on a connection of their own. */
final class SqliteTesting {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SqliteTesting() {
    }

    static SqliteConnectionFactory file(Path file) {
        return file(file, b -> b);
    }

    static SqliteConnectionFactory file(Path file, UnaryOperator<SqliteConnectionConfiguration.Builder> options) {
        return new SqliteConnectionFactory(options.apply(SqliteConnectionConfiguration.builder()
                .database(file.toString())).build());
    }

    static SqliteConnectionFactory memory() {
        return new SqliteConnectionFactory(SqliteConnectionConfiguration.builder().build());
    }

    /** Runs {@code sql} with {@code values} bound to ?1, ?2 … and emits the total of rows updated. */
    static Mono<Long> update(ConnectionFactory factory, String sql, Object... values) {
        return Flux.usingWhen(factory.create(),
                c -> Flux.from(bind(c.createStatement(sql), values).execute()).concatMap(Result::getRowsUpdated),
                Connection::close)
                .reduce(0L, Long::sum);
    }

    /** Runs {@code sql} with {@code values} bound to ?1, ?2 … and maps every row. */
    static <T> Flux<T> query(ConnectionFactory factory, String sql, Function<Readable, T> mapper, Object... values) {
        return Flux.usingWhen(factory.create(),
                c -> Flux.from(bind(c.createStatement(sql), values).execute()).concatMap(r -> r.map(mapper)),
                Connection::close);
    }

    static Statement bind(Statement statement, Object... values) {
        for (int i = 0; i < values.length; i++) {
            statement.bind(i, values[i]);
        }
        return statement;
    }

    static Mono<Void> close(SqliteConnectionFactory factory) {
        return Mono.from(factory.close());
    }
}
