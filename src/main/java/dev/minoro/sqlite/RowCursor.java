package dev.minoro.sqlite;

import io.r2dbc.spi.R2dbcException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * The open statement of a result whose rows are not all read: it reads the next batch on the lane when
 * the subscriber has demand, and closes the statement (giving up its hold on the lane) when the rows
 * run out, the subscriber cancels, or its {@link Execution} is aborted. Row mapping functions downstream run on
 * the lane's thread for every batch after the first.
 *
 * <p>It also holds how rows are read from sqlite-jdbc, for the first batch that {@link Execution} reads too.
 */
final class RowCursor {

    private final Execution execution;
    private final Lane lane;
    private final StatementCache.Prepared statement;
    private final ResultSet rows;
    private final int columns;
    private final String sql;
    private final AtomicBoolean closed = new AtomicBoolean();
    private @Nullable Object[] next; // the row read ahead; only on the lane
    private volatile boolean exhausted;
    private boolean failed; // a fetch failed: the statement is closed, not kept; only on the lane

    /** @param next the row read ahead of the first batch, which starts the next one */
    RowCursor(Execution execution, StatementCache.Prepared statement, ResultSet rows, int columns, String sql,
            Object[] next) {
        this.execution = execution;
        this.lane = execution.lane();
        this.statement = statement;
        this.rows = rows;
        this.columns = columns;
        this.sql = sql;
        this.next = next;
    }

    /** The statement's SQL. */
    String sql() {
        return sql;
    }

    /** The remaining rows, read {@code batch} at a time when there is demand. */
    Flux<Object[]> stream(int batch) {
        return Flux.create(sink -> new Drain(sink, batch).start());
    }

    /** Reads up to {@code batch} rows on the lane; closes the statement when they run out. */
    private Mono<List<Object[]>> fetch(int batch) {
        return lane.callInterruptibly(jdbc -> {
            if (closed.get()) {
                R2dbcException abort = execution.aborted();
                throw abort != null ? abort : execution.closedError();
            }
            R2dbcException ended = execution.transactionEnded(sql);
            if (ended != null) {
                // a statement that ran while its transaction was ending: the rest of its rows are not read on a lane
                // that may be the next lessee's
                closeOnLane();
                throw ended;
            }
            List<Object[]> batchRows = new ArrayList<>(Math.min(batch, 1024));
            if (next != null) {
                batchRows.add(next);
            }
            try {
                next = read(rows, columns, batchRows, batch);
            } catch (Throwable e) {
                failed = true;
                throw e;
            } finally {
                execution.afterWork(jdbc, failed, sql);
            }
            if (next == null) {
                exhausted = true;
                closeOnLane();
            }
            return batchRows;
        }, execution.lockWait(), this, null);
    }

    /**
     * A cold Mono that closes the statement on the lane (interrupting it if a fetch is running) and lets go
     * of the lane; closing twice is harmless.
     */
    Mono<Void> close() {
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.empty();
            }
            lane.interrupt(this);
            return lane.<Void>callToEnd(jdbc -> {
                closeOnLane();
                return null;
            }).onErrorResume(e -> {
                // the lane is closed, and the statement with its JDBC connection
                if (closed.compareAndSet(false, true)) {
                    execution.cursorClosed(this);
                }
                return Mono.empty();
            });
        });
    }

    /** Gives the statement back (it stops reading its rows); only on the lane's worker. */
    void closeOnLane() {
        if (closed.compareAndSet(false, true)) {
            if (failed) {
                statement.close();
            } else {
                statement.release(rows, execution.autoCommit());
            }
            execution.cursorClosed(this);
        }
    }

    /** Moves rows from the lane to the sink as demand comes, one fetch at a time. */
    private final class Drain {

        private final FluxSink<Object[]> sink;
        private final int batch;
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean fetching;
        private volatile boolean cancelled;

        Drain(FluxSink<Object[]> sink, int batch) {
            this.sink = sink;
            this.batch = batch;
        }

        void start() {
            sink.onCancel(() -> {
                cancelled = true;
                lane.interrupt(RowCursor.this);
            });
            sink.onRequest(n -> drain());
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                if (!fetching && !cancelled && sink.requestedFromDownstream() > 0) {
                    fetching = true;
                    if (exhausted) {
                        sink.complete();
                    } else {
                        fetch(batch).subscribe(this::emit, this::fail);
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void emit(List<Object[]> batchRows) {
            for (Object[] row : batchRows) {
                sink.next(row);
            }
            if (exhausted) {
                sink.complete();
                return;
            }
            fetching = false;
            drain();
        }

        private void fail(Throwable error) {
            if (cancelled) {
                return;
            }
            // a fetch interrupted because the connection closed or the transaction ended fails for that reason
            R2dbcException abort = execution.aborted();
            sink.error(abort != null ? abort : SqliteExceptionFactory.translate(error, sql));
        }
    }

    /**
     * Reads up to {@code limit} rows into {@code into}, then one more: it returns that row, which starts the
     * next batch, or null when the rows have run out. Reading one ahead lets the last batch complete the
     * stream without waiting for demand that may never come.
     */
    static @Nullable Object @Nullable [] read(ResultSet rows, int columns, List<Object[]> into, int limit)
            throws SQLException {
        while (into.size() < limit) {
            if (!rows.next()) {
                return null;
            }
            into.add(row(rows, columns));
        }
        return rows.next() ? row(rows, columns) : null;
    }

    private static @Nullable Object[] row(ResultSet rows, int columns) throws SQLException {
        Object[] row = new Object[columns];
        for (int i = 0; i < columns; i++) {
            row[i] = stored(rows.getObject(i + 1));
        }
        return row;
    }

    /** sqlite-jdbc reads INTEGER as Integer or Long; rows keep one class per storage class. */
    private static @Nullable Object stored(@Nullable Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float) {
            return ((Float) value).doubleValue();
        }
        return value;
    }
}
