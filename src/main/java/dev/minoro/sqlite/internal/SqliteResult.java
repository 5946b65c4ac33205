package dev.minoro.sqlite.internal;

import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The result of one SQL statement (or of one set of bindings): rows, then an update count for statements
 * that change data; or only an update count. A result can be consumed once.
 *
 * <p>Rows stream from the lane in batches in response to demand; cancelling closes the statement and, once
 * nothing else holds it, gives the lane back. Rows are emitted on the lane's thread for later batches
 * (the first batch on the subscriber's), so mapping functions must not block. Whatever a mapping function throws,
 * an {@link Error} included, is the error of the stream it maps.
 */
public final class SqliteResult implements Result {

    private final Flux<Segment> segments;
    private final AtomicBoolean consumed;
    private final boolean updateCountExpected;

    private SqliteResult(Flux<Segment> segments, AtomicBoolean consumed, boolean updateCountExpected) {
        this.segments = segments;
        this.consumed = consumed;
        this.updateCountExpected = updateCountExpected;
    }

    /**
     * A result of {@code rows}, each of {@code metadata}'s columns. For a data change ({@code INSERT … RETURNING}
     * and the like: one row per changed row), the number of rows emitted follows as the update count, as
     * PostgreSQL reports it.
     */
    public static SqliteResult rows(SqliteRowMetadata metadata, Flux<@Nullable Object[]> rows, boolean dataChange) {
        AtomicLong emitted = new AtomicLong();
        Flux<Segment> segments = rows.map(row -> {
            emitted.incrementAndGet();
            return new RowSegment(new SqliteRow(metadata, row));
        });
        if (dataChange) {
            segments = segments.concatWith(Mono.fromSupplier(() -> new UpdateCount(emitted.get())));
        }
        return new SqliteResult(segments, new AtomicBoolean(), dataChange);
    }

    /** A result with only an update count. */
    public static SqliteResult updated(long count) {
        return new SqliteResult(Flux.just(new UpdateCount(count)), new AtomicBoolean(), true);
    }

    private Flux<Segment> consume() {
        return Flux.defer(() -> consumed.compareAndSet(false, true)
                ? segments
                : Flux.error(new IllegalStateException("this Result has already been consumed")));
    }

    /**
     * A cold Mono with the number of rows the statement inserted, updated or deleted (0 for DDL); empty for
     * a query, whose rows it discards without reading them.
     */
    @Override
    public Mono<Long> getRowsUpdated() {
        if (!updateCountExpected) {
            // no count will come: close the statement instead of reading its rows
            return consume().take(0, true).then(Mono.empty());
        }
        return unwrapped(consume()).ofType(Result.UpdateCount.class).map(Result.UpdateCount::value)
                .reduce(Long::sum);
    }

    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction must not be null");
        return unwrapped(consume().handle((segment, sink) -> {
            if (segment instanceof Result.RowSegment) {
                Row row = ((Result.RowSegment) segment).row();
                sink.next(signallable(() -> mappingFunction.apply(row, row.getMetadata())));
            }
        }));
    }

    @Override
    public SqliteResult filter(Predicate<Segment> filter) {
        Objects.requireNonNull(filter, "filter must not be null");
        return new SqliteResult(Flux.defer(() -> consume().filter(segment -> signallable(() -> filter.test(segment)))),
                new AtomicBoolean(), updateCountExpected);
    }

    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction must not be null");
        return unwrapped(consume().concatMap(segment -> signallable(() -> mappingFunction.apply(segment))));
    }

    /**
     * What {@code function} of the caller returns, an error that Reactor takes for fatal to the JVM ({@link
     * Exceptions#isJvmFatal}: a {@link StackOverflowError}, a {@link LinkageError}, an {@link OutOfMemoryError})
     * carried out of the operator that called it in a {@link JvmFatal}, which {@link #unwrapped} signals as itself.
     * Reactor's operators rethrow such an error on the thread instead of signalling it: on a lane's thread that left
     * the subscriber waiting for ever and the unread rows holding the lane. Other failures pass as they are, so that
     * the subscriber's {@code onErrorContinue} still sees them.
     *
     * <p>An {@link OutOfMemoryError} is signalled too: one thrown by a caller's function is most often one large
     * allocation that failed, the subscriber can handle it like any error, and a JVM meant to stop at the first one
     * ({@code -XX:+ExitOnOutOfMemoryError}) stops where it is thrown, before this catch.
     */
    private static <V> V signallable(Supplier<V> function) {
        try {
            return function.get();
        } catch (Error e) {
            if (Exceptions.isJvmFatal(e)) {
                throw new JvmFatal(e);
            }
            throw e;
        }
    }

    /** {@code flux} with a {@link JvmFatal} replaced by the error it carries. */
    private static <V> Flux<V> unwrapped(Flux<V> flux) {
        return flux.onErrorMap(JvmFatal.class, Throwable::getCause);
    }

    /** The carrier of an error that Reactor would rethrow on the thread; see {@link #signallable}. */
    private static final class JvmFatal extends RuntimeException {

        private static final long serialVersionUID = 1L;

        JvmFatal(Error cause) {
            super(cause.toString(), cause, false, false);
        }
    }

    @Override
    public String toString() {
        return "SqliteResult{" + (consumed.get() ? "consumed" : "not consumed") + "}";
    }

    /** A row of the result. */
    private record RowSegment(Row row) implements Result.RowSegment {
    }

    /** The number of rows a statement changed. */
    private record UpdateCount(long value) implements Result.UpdateCount {
    }
}
