package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.BoundSql;
import dev.minoro.sqlite.internal.SqlScript;
import dev.minoro.sqlite.internal.SqliteRowMetadata;
import dev.minoro.sqlite.internal.SqliteValues;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Readable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One SQL statement run in auto-commit mode outside any connection ({@link SqliteConnectionFactory#query} and
 * {@link SqliteConnectionFactory#update}): it leases a lane, and one task of that lane prepares (or takes a kept
 * statement), binds, executes, reads every row, maps the rows and gives the lane back, before the outcome is
 * emitted. So a statement costs one hand-over to the lane and back, and the next caller waiting for the lane gets it
 * on the lane's own thread, its task queued right behind: lookups queued on a lane run back to back.
 *
 * <p>What {@link Execution} does over several tasks for an R2DBC statement (a step, then its rows in batches as the
 * subscriber asks) this does in one; it shares that class's binding, column metadata and lock handling.
 */
final class DirectStatement<T> {

    private final Lanes lanes;
    private final SqliteConnectionConfiguration configuration;
    private final BoundSql step;
    private final @Nullable Function<? super Readable, ? extends T> mapper;

    private DirectStatement(Lanes lanes, SqliteConnectionConfiguration configuration, BoundSql step,
            @Nullable Function<? super Readable, ? extends T> mapper) {
        this.lanes = lanes;
        this.configuration = configuration;
        this.step = step;
        this.mapper = mapper;
    }

    /** The rows of {@code sql} run with {@code parameters}, each mapped on the lane; see the factory's query. */
    static <T> Flux<T> query(Lanes lanes, SqliteConnectionConfiguration configuration, String sql,
            Function<? super Readable, ? extends T> mapper, Object... parameters) {
        BoundSql step;
        try {
            if (mapper == null) {
                throw new IllegalArgumentException("mapper must not be null");
            }
            step = bound(sql, parameters);
        } catch (IllegalArgumentException e) {
            return Flux.error(e);
        }
        return start(lanes, configuration, step, mapper).flatMapIterable(Outcome::rows);
    }

    /** The number of rows {@code sql} changed; see the factory's update. */
    static Mono<Long> update(Lanes lanes, SqliteConnectionConfiguration configuration, String sql,
            Object... parameters) {
        BoundSql step;
        try {
            step = bound(sql, parameters);
        } catch (IllegalArgumentException e) {
            return Mono.error(e);
        }
        return start(lanes, configuration, step, null).map(Outcome::changed);
    }

    /** {@code sql} with {@code parameters} bound by position, checked on the caller's thread. */
    private static BoundSql bound(@Nullable String sql, Object @Nullable [] parameters) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null; pass no values for a statement without"
                    + " parameters");
        }
        SqlScript script = SqlScript.parse(sql);
        if (script.statements().isEmpty()) {
            throw new IllegalArgumentException("sql must hold a statement, was only white space and comments: '"
                    + sql + "'");
        }
        if (script.statements().size() != 1) {
            throw new IllegalArgumentException("sql must hold exactly one statement, held "
                    + script.statements().size() + ": '" + sql + "'; run scripts through a connection");
        }
        SqlScript.Part part = script.statements().get(0);
        if (part.transactionControl()) {
            throw new IllegalArgumentException("'" + part.firstKeyword() + "' controls a transaction, which a"
                    + " statement run outside a connection cannot hold open; use a connection's beginTransaction()");
        }
        if (parameters.length != part.parameterCount()) {
            throw new IllegalArgumentException("the statement has " + part.parameterCount()
                    + (part.parameterCount() == 1 ? " parameter" : " parameters") + " and " + parameters.length
                    + (parameters.length == 1 ? " value was" : " values were") + " given: '" + sql + "'");
        }
        Object[] values = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            Object value = parameters[i];
            if (value == null) {
                throw new IllegalArgumentException("the value of parameter ?" + (i + 1) + " is null; bind a typed"
                        + " null with io.r2dbc.spi.Parameters.in(type)");
            }
            values[i] = SqliteValues.bindable(value, "?" + (i + 1));
        }
        return new BoundSql(part.sql(), part, values);
    }

    /**
     * The run of {@code step}; a {@link Blob} or {@link Clob} value is read first, so that nothing is left to read
     * once the lane is taken.
     */
    private static <T> Mono<Outcome<T>> start(Lanes lanes, SqliteConnectionConfiguration configuration, BoundSql step,
            @Nullable Function<? super Readable, ? extends T> mapper) {
        for (Object value : step.values()) {
            if (value instanceof Blob || value instanceof Clob) {
                return BoundSql.resolve(List.of(step)).flatMap(resolved -> new DirectStatement<T>(lanes,
                        configuration, resolved.get(0), mapper).run());
            }
        }
        return new DirectStatement<T>(lanes, configuration, step, mapper).run();
    }

    /** A cold Mono of the outcome: the lease, one task on its lane, the lease given back within that task. */
    private Mono<Outcome<T>> run() {
        Mono<Outcome<T>> outcome = Mono.defer(() -> {
            LockWait wait = new LockWait(configuration.busyTimeout());
            Supplier<String> holder = () -> "a statement ('" + step.sql() + "')";
            return (step.part().readOnly() ? lanes.readerForStatement(wait, holder) : lanes.writer(wait, holder))
                    .flatMap(lease -> lease.lane()
                            .callInterruptibly(jdbc -> {
                                try {
                                    return execute(lease.lane(), jdbc, wait);
                                } finally {
                                    // the next caller waiting for the lane gets it here, on the lane's thread
                                    lease.releaseNow();
                                }
                            }, wait, this, null)
                            // cancelled before the task ran: the task will not give the lane back
                            .doFinally(signal -> lease.releaseNow()));
        });
        return outcome.onErrorMap(this::translated);
    }

    private Throwable translated(Throwable error) {
        return SqliteExceptionFactory.translate(error, step.sql());
    }

    /** Runs the statement on the lane, retrying a lock SQLite refused without waiting, within the lock wait. */
    private Outcome<T> execute(Lane lane, Connection jdbc, LockWait wait) throws SQLException {
        boolean failed = true;
        try {
            for (int attempt = 0;; attempt++) {
                try {
                    Outcome<T> outcome = runOnce(lane, jdbc);
                    failed = false;
                    return outcome;
                } catch (SQLException e) {
                    if (!SqliteExceptionFactory.isLocked(e) || !lane.pauseForLock(attempt)) {
                        throw e;
                    }
                }
            }
        } finally {
            if (lane.needsCleanUp(failed)) {
                // the lane goes to its next lessee with no transaction left open
                SqliteJdbc.rollbackQuietly(jdbc);
            }
            if (Execution.setsBusyTimeout(step.part())) {
                lane.installBusyHandler(jdbc);
            }
        }
    }

    private Outcome<T> runOnce(Lane lane, Connection jdbc) throws SQLException {
        StatementCache.Prepared prepared = lane.statements().bound(jdbc, step);
        try {
            long totalBefore = SqliteJdbc.totalChanges(jdbc);
            ResultSet rows = prepared.execute();
            List<T> mapped = rows == null ? List.of() : readAndMap(prepared, rows);
            long changed = SqliteJdbc.changesSince(jdbc, totalBefore);
            prepared.release(rows, true);
            return new Outcome<>(mapped, changed);
        } catch (Throwable e) {
            prepared.close();
            throw e;
        }
    }

    /** Reads every row, then maps each (none without a mapper: an update's RETURNING rows are only read). */
    private List<T> readAndMap(StatementCache.Prepared prepared, ResultSet rows) throws SQLException {
        int columns = rows.getMetaData().getColumnCount();
        List<Object[]> read = new ArrayList<>();
        RowCursor.read(rows, columns, read, Integer.MAX_VALUE);
        if (mapper == null || read.isEmpty()) {
            return List.of();
        }
        SqliteRowMetadata metadata = prepared.columns(rows, read.get(0));
        List<T> mapped = new ArrayList<>(read.size());
        for (Object[] row : read) {
            T value = mapper.apply(metadata.row(row));
            if (value == null) {
                throw new NullPointerException("the mapper returned null for a row of '" + step.sql() + "'");
            }
            mapped.add(value);
        }
        return mapped;
    }

    /** What the statement produced: its mapped rows, and the rows it changed. */
    private record Outcome<T>(List<T> rows, long changed) {
    }
}
