package dev.minoro.internal.database;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The statements of a connection in a transaction, each held back until one whose rows are read, or the commit,
 * and then sent all together as one R2DBC {@link Batch}: on a remote libSQL server, one request. What the libSQL
 * migration lock gives the migrator's locked work, so that the server's write lock is held for two requests.
 *
 * <p>Made for the migrator's statements, and no others: a held-back statement's result reports no row count (an
 * R2DBC {@link Result#getRowsUpdated()} may be empty) and its failure surfaces when the batch runs; values bound
 * by index (integers, strings, null) are written into the SQL as SQLite literals, since a batch binds nothing
 * (the migrator's own values: versions, names, checksums, times, its host name). The transaction is the
 * connection's: begun on it before, and ended through {@link #commitTransaction} or {@link #rollbackTransaction}.
 */
final class WriteBehindStatements implements StatementSource {

    private static final Pattern NUMBERED_PARAMETER = Pattern.compile("\\?(\\d+)");

    private final Connection connection;
    private final List<String> held = new ArrayList<>();

    WriteBehindStatements(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Statement createStatement(String sql) {
        return new HeldStatement(sql);
    }

    /**
     * A cold {@code Mono} that sends what is held back, then {@code COMMIT}, in one batch; a plain commit when nothing
     * is held back.
     */
    Mono<Void> commitTransaction() {
        return Mono.defer(() -> {
            if (held.isEmpty()) {
                return Mono.from(connection.commitTransaction());
            }
            held.add("COMMIT");
            return send().concatMap(Result::getRowsUpdated).then(Mono.from(connection.commitTransaction()));
        });
    }

    /** A cold {@code Mono} that drops what is held back (it never reached the server) and rolls back. */
    Mono<Void> rollbackTransaction() {
        return Mono.defer(() -> {
            held.clear();
            return Mono.from(connection.rollbackTransaction());
        });
    }

    /** Everything held back, sent in one batch, its results in order. */
    private Flux<Result> send() {
        Batch batch = connection.createBatch();
        held.forEach(batch::add);
        held.clear();
        return Flux.from(batch.execute()).cast(Result.class);
    }

    /** {@code sql} with each {@code ?n} replaced by the literal of value n. */
    private static String withLiterals(String sql, @Nullable Object[] values) {
        if (values.length == 0) {
            return sql;
        }
        Matcher m = NUMBERED_PARAMETER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int index = Integer.parseInt(m.group(1)) - 1;
            if (index < 0 || index >= values.length) {
                throw new IllegalArgumentException("no value bound to parameter ?" + (index + 1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(literal(values[index])));
        }
        return m.appendTail(out).toString();
    }

    private static String literal(@Nullable Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return value.toString();
        }
        if (value instanceof String && ((String) value).indexOf('\0') < 0) {
            return "'" + ((String) value).replace("'", "''") + "'";
        }
        throw new IllegalArgumentException("a held-back statement binds integers, strings without NUL and null, not a "
                + value.getClass().getName());
    }

    /** A statement held back until the batch: its values by index, written as literals when it is sent. */
    private final class HeldStatement implements Statement {

        private final String sql;
        private final List<@Nullable Object> values = new ArrayList<>();

        HeldStatement(String sql) {
            this.sql = sql;
        }

        @Override
        public Statement bind(int index, Object value) {
            while (values.size() <= index) {
                values.add(null);
            }
            values.set(index, value);
            return this;
        }

        @Override
        public Statement bindNull(int index, Class<?> type) {
            return bind(index, null);
        }

        @Override
        public Statement bind(String name, Object value) {
            throw new UnsupportedOperationException("a held-back statement binds values by index only");
        }

        @Override
        public Statement bindNull(String name, Class<?> type) {
            throw new UnsupportedOperationException("a held-back statement binds values by index only");
        }

        @Override
        public Statement add() {
            throw new UnsupportedOperationException("a held-back statement runs once");
        }

        /** Holds the statement back; emits its {@link HeldResult} at once. */
        @Override
        public Publisher<? extends Result> execute() {
            return Mono.fromCallable(() -> {
                held.add(withLiterals(sql, values.toArray()));
                return new HeldResult();
            });
        }
    }

    /**
     * The result of a held-back statement: no row count; reading its rows sends everything held back (itself
     * last) and reads the last result's rows.
     */
    private final class HeldResult implements Result {

        @Override
        public Mono<Long> getRowsUpdated() {
            return Mono.empty();
        }

        @Override
        public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mapping) {
            return lastResult().flatMapMany(result -> Flux.from(result.map(mapping)));
        }

        @Override
        public <T> Flux<T> map(Function<? super Readable, ? extends T> mapping) {
            return lastResult().flatMapMany(result -> Flux.from(result.map(mapping)));
        }

        private Mono<Result> lastResult() {
            return Mono.defer(() -> send().last());
        }

        @Override
        public Result filter(Predicate<Segment> filter) {
            throw new UnsupportedOperationException("a held-back statement's result is read by map only");
        }

        @Override
        public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mapping) {
            throw new UnsupportedOperationException("a held-back statement's result is read by map only");
        }
    }
}
