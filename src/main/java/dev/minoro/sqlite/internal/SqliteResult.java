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
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The result of one SQL statement (or of one set of bindings): rows, then an update count for statements
 * that change data; or only an update count. A result can be consumed once.
 *
 * <p>Rows stream from the lane in batches in response to demand; cancelling closes the statement and, once
 * nothing else holds it, gives the lane back. Rows are emitted on the lane's thread for later batches
 * (the first batch on the subscriber's), so mapping functions must not block.
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
        return consume().ofType(Result.UpdateCount.class).map(Result.UpdateCount::value).reduce(Long::sum);
    }

    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction must not be null");
        return consume().handle((segment, sink) -> {
            if (segment instanceof Result.RowSegment) {
                Row row = ((Result.RowSegment) segment).row();
                sink.next(mappingFunction.apply(row, row.getMetadata()));
            }
        });
    }

    @Override
    public SqliteResult filter(Predicate<Segment> filter) {
        Objects.requireNonNull(filter, "filter must not be null");
        return new SqliteResult(Flux.defer(() -> consume().filter(filter)), new AtomicBoolean(), updateCountExpected);
    }

    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction must not be null");
        return consume().concatMap(mappingFunction);
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
