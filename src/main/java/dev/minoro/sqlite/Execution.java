package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.BoundSql;
import dev.minoro.sqlite.internal.SqlScript;
import dev.minoro.sqlite.internal.SqliteResult;
import dev.minoro.sqlite.internal.SqliteResultCodes;
import dev.minoro.sqlite.internal.SqliteRowMetadata;
import dev.minoro.sqlite.internal.TransactionSql;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One run of a statement, batch or script on one lane: its steps (one SQL statement with one set of
 * bound values each), the results they emit, and, in autocommit mode, the lease it holds until the last of
 * its results has been read.
 *
 * <p>Steps run one at a time, each as one task on the lane, when the subscriber asks for the next
 * result. A step prepares, binds and executes its statement and reads the first batch of rows. A step that
 * is not the last reads all its rows, so that a later step never runs while an earlier one has a statement
 * open; the last step's rows stream (see {@link RowCursor}).
 *
 * <p>Who holds the lane: the result stream until it ends or is cancelled, and each open cursor until it
 * is read or cancelled. When the last holder lets go, the lease is released. Closing the connection aborts
 * the execution: cursors close and nothing holds the lane any more. The connection hands the lease over through
 * {@code Flux.usingWhen}, whose cleanup calls {@link #streamEnded()} on completion, error and cancellation alike,
 * also when the lease arrives after its subscriber cancelled; the execution never depends on a publisher of
 * its own being subscribed to give the lane back.
 *
 * <p>Every wait of the execution, for its lane and for SQLite's lock in each step, draws on one {@link LockWait}.
 */
final class Execution {

    /** Rows read from SQLite per batch when the statement does not set its fetch size. */
    static final int DEFAULT_FETCH_SIZE = 128;

    private final SqliteConnection connection;
    private final Lane lane;
    private final @Nullable Lease lease;
    private final SqliteConnection.@Nullable Transaction transaction;
    private final List<BoundSql> steps;
    private final int fetchSize;
    private final Duration statementTimeout;
    private final LockWait wait;
    private final AtomicInteger holders = new AtomicInteger(1);
    private final AtomicBoolean streamHeld = new AtomicBoolean(true);
    private final Set<RowCursor> cursors = ConcurrentHashMap.newKeySet();
    private final Sinks.Empty<Void> done = Sinks.empty();
    private volatile @Nullable R2dbcException aborted;
    private volatile boolean transactionControl;
    /** Whether a step is transaction SQL (BEGIN, SAVEPOINT …): known before any step runs. */
    private final boolean mayOpenTransaction;

    /**
     * @param lease       the lease to release when done, or null when the lane belongs to a transaction
     * @param transaction the transaction whose lane it is, or null with a lease
     * @param wait        the execution's lock wait, already charged with its wait for the lease
     */
    Execution(SqliteConnection connection, Lane lane, @Nullable Lease lease,
            SqliteConnection.@Nullable Transaction transaction, List<BoundSql> steps, int fetchSize,
            Duration statementTimeout, LockWait wait) {
        this.connection = connection;
        this.lane = lane;
        this.lease = lease;
        this.transaction = transaction;
        this.steps = steps;
        this.fetchSize = fetchSize;
        this.statementTimeout = statementTimeout;
        this.wait = wait;
        this.mayOpenTransaction = steps.stream().anyMatch(step -> step.part().transactionControl());
    }

    Lane lane() {
        return lane;
    }

    /** The transaction it runs in, or null in auto-commit mode. */
    SqliteConnection.@Nullable Transaction transaction() {
        return transaction;
    }

    /** Whether it runs in auto-commit mode: it holds a lease of its own rather than running in a transaction. */
    boolean autoCommit() {
        return lease != null;
    }

    /** The lock wait of every wait of this execution, its cursors' fetches included. */
    LockWait lockWait() {
        return wait;
    }

    /** Why the execution was stopped (its connection closed, its transaction ended), or null. */
    @Nullable R2dbcException aborted() {
        return aborted;
    }

    /**
     * The error of {@code sql} when the execution's transaction has ended (its lane may be another lessee's by now),
     * or null: for a cursor that outlived it. On the lane.
     */
    @Nullable R2dbcException transactionEnded(String sql) {
        return transaction == null ? null : transaction.endedError(sql);
    }

    /** The error of work attempted once the connection is closed. */
    R2dbcException closedError() {
        return connection.closedError();
    }

    /** {@code cursor} closed its statement: it no longer holds the lane. */
    void cursorClosed(RowCursor cursor) {
        cursors.remove(cursor);
        release();
    }

    /**
     * The results, one per step, each emitted when the subscriber asks for it. The stream holds the lane until
     * {@link #streamEnded()}.
     */
    Flux<SqliteResult> results() {
        return Flux.range(0, steps.size())
                .concatMap(this::run, 0)
                // an outcome that arrives after the stream was cancelled closes its cursor
                .doOnDiscard(Outcome.class, Outcome::discard)
                .map(Outcome::result);
    }

    /**
     * A cold Mono that lets go of the result stream's hold on the lane (once; an aborted execution has let go
     * already) and completes when the lease is back, unless an unread result still holds it.
     */
    Mono<Void> streamEnded() {
        return Mono.defer(() -> {
            releaseStream();
            return holders.get() == 0 ? done.asMono() : Mono.empty();
        });
    }

    private Mono<Outcome> run(int index) {
        BoundSql step = steps.get(index);
        boolean last = index == steps.size() - 1;
        R2dbcException abort = aborted;
        if (abort != null) {
            return Mono.error(abort);
        }
        Mono<Outcome> outcome = lane.callInterruptibly(jdbc -> execute(jdbc, step, last), wait, this,
                Outcome::discardOnLane);
        if (!statementTimeout.isZero()) {
            outcome = outcome.timeout(statementTimeout, Mono.error(() -> new R2dbcTimeoutException(
                    "the statement did not complete within the statement timeout of " + statementTimeout,
                    null, SqliteResultCodes.SQLITE_INTERRUPT, step.sql(), new TimeoutException())));
        }
        return outcome.onErrorMap(e -> SqliteExceptionFactory.translate(e, step.sql()));
    }

    /** Runs one step on the lane: prepare, bind, execute, and read the first batch (or all) of its rows. */
    private Outcome execute(Connection jdbc, BoundSql step, boolean last) throws SQLException {
        R2dbcException abort = aborted;
        if (abort != null) {
            throw abort;
        }
        if (transaction != null) {
            transaction.requireKept(step.sql());
        }
        if (step.part().transactionControl()) {
            transactionControl = true;
        }
        // an auto-commit statement that SQLite refused a lock leaves nothing behind, so it can run again
        boolean retryable = lease != null && !transactionControl;
        boolean failed = true;
        try {
            for (int attempt = 0;; attempt++) {
                try {
                    Outcome outcome = run(jdbc, step, last);
                    if (last && transactionControl && lease != null) {
                        requireNoTransaction(jdbc, step.sql());
                    }
                    failed = false;
                    return outcome;
                } catch (SQLException e) {
                    // SQLite asks for some locks without calling the busy handler; wait for those here
                    if (!retryable || !SqliteExceptionFactory.isLocked(e) || !lane.pauseForLock(attempt)) {
                        throw e;
                    }
                }
            }
        } finally {
            afterWork(jdbc, failed, step.sql());
            if (setsBusyTimeout(step.part())) {
                // PRAGMA busy_timeout replaces the lane's busy handler, which bounds each call's wait
                lane.installBusyHandler(jdbc);
            }
        }
    }

    /**
     * At the end of the work of a step or of a cursor's fetch, on the lane: when it failed or was cancelled (see
     * {@link Lane#needsCleanUp}), a lane leased for this statement alone goes back with no transaction open, and in
     * a transaction, one that SQLite rolled back by itself (an INSERT, UPDATE or DELETE interrupted inside it,
     * SQLITE_FULL, …) is marked so ({@link SqliteConnection.Transaction#rolledBack}), which then refuses its later
     * statements and its COMMIT instead of running them in auto-commit mode.
     */
    void afterWork(Connection jdbc, boolean failed, String sql) throws SQLException {
        if (!lane.needsCleanUp(failed)) {
            return;
        }
        if (transaction == null) {
            SqliteJdbc.rollbackQuietly(jdbc);
        } else if (!SqliteJdbc.inTransaction(jdbc)) {
            transaction.rolledBack(sql);
        }
    }

    /** A {@code PRAGMA busy_timeout}, which replaces a connection's busy handler with SQLite's own. */
    static boolean setsBusyTimeout(SqlScript.Part part) {
        return part.firstKeyword().equals("PRAGMA") && part.sql().toLowerCase(Locale.ROOT).contains("busy_timeout");
    }

    /**
     * SQL such as {@code BEGIN} sent in auto-commit mode must not leave a transaction open on a lane that goes
     * back to its pool: such a transaction is rolled back and the execution fails.
     */
    private static void requireNoTransaction(Connection jdbc, String sql) throws SQLException {
        if (SqliteJdbc.inTransaction(jdbc)) {
            SqliteJdbc.rollbackQuietly(jdbc);
            throw TransactionSql.leftOpen(sql);
        }
    }

    private Outcome run(Connection jdbc, BoundSql step, boolean last) throws SQLException {
        StatementCache.Prepared prepared = lane.statements().bound(jdbc, step);
        try {
            long changesBefore = SqliteJdbc.totalChanges(jdbc);
            ResultSet rows = prepared.execute();
            if (rows == null) {
                long count = SqliteJdbc.changesSince(jdbc, changesBefore);
                prepared.release(null, autoCommit());
                return new Outcome(SqliteResult.updated(count), null);
            }
            List<Object[]> first = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            int limit = last && !transactionControl ? batchSize() : Integer.MAX_VALUE;
            Object[] next = RowCursor.read(rows, columns, first, limit);
            SqliteRowMetadata metadata = prepared.columns(rows, first.isEmpty() ? null : first.get(0));
            RowCursor cursor = null;
            R2dbcException cut = null;
            if (next != null) {
                cursor = keep(prepared, rows, columns, step.sql(), next);
                if (cursor == null) {
                    // aborted while this step ran (its connection closed, its transaction ended), or let go: the
                    // rows after the first batch will not be read, and a reader must not take the batch for all
                    R2dbcException abort = aborted;
                    cut = abort != null ? abort : new R2dbcNonTransientResourceException("the results were let go"
                            + " before the rest of these rows was read", null, 0, step.sql());
                }
            }
            if (cursor == null) {
                // all read, or the execution is over and nobody will read the rest
                prepared.release(rows, autoCommit());
            }
            return new Outcome(rowsResult(metadata, first, cursor, cut, step.part().dataChange()), cursor);
        } catch (Throwable e) {
            prepared.close();
            throw e;
        }
    }

    private int batchSize() {
        return fetchSize > 0 ? fetchSize : DEFAULT_FETCH_SIZE;
    }

    /**
     * The rows of a step: the first batch, then the cursor's, or then {@code cut}, the error of rows that will not be
     * read.
     */
    private SqliteResult rowsResult(SqliteRowMetadata metadata, List<Object[]> first, @Nullable RowCursor cursor,
            @Nullable R2dbcException cut, boolean dataChange) {
        Flux<@Nullable Object[]> values = Flux.fromIterable(first);
        if (cursor != null) {
            values = values.concatWith(cursor.stream(batchSize())).doFinally(signal -> cursor.close().subscribe());
        } else if (cut != null) {
            values = values.concatWith(Flux.error(cut));
        }
        return SqliteResult.rows(metadata, values, dataChange);
    }

    /** A cursor over the rest of the rows, holding the lane; null when the execution is aborted or over. */
    private synchronized @Nullable RowCursor keep(StatementCache.Prepared statement, ResultSet rows, int columns,
            String sql, Object[] next) {
        if (aborted != null || !retain()) {
            return null;
        }
        RowCursor cursor = new RowCursor(this, statement, rows, columns, sql, next);
        cursors.add(cursor);
        return cursor;
    }

    /** Takes a hold on the lane for a cursor, unless the execution is already over. */
    private boolean retain() {
        for (;;) {
            int current = holders.get();
            if (current == 0) {
                return false;
            }
            if (holders.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** The result stream has ended (or been cancelled, or the connection closed): it no longer holds the lane. */
    private void releaseStream() {
        if (streamHeld.compareAndSet(true, false)) {
            if (lease != null) {
                for (RowCursor cursor : cursors) {
                    lease.heldBy(() -> "the unread rows of '" + cursor.sql() + "'");
                    break;
                }
            }
            release();
        }
    }

    /**
     * One holder lets go; the last gives the lease back. SQL such as BEGIN that failed or was cancelled half-way
     * may have left a transaction open on the lane, which is rolled back first, on the lane, so that the next
     * lessee does not inherit it. Whether to is decided from the SQL, not from the steps that ran: a cancelled
     * step may still start on the lane after its subscriber let go, and the rollback, queued behind it, sees it
     * done.
     */
    private void release() {
        if (holders.decrementAndGet() == 0) {
            connection.finished(this);
            Mono<Void> released;
            if (lease == null) {
                released = Mono.empty();
            } else if (mayOpenTransaction) {
                released = lane.callToEnd(Execution::rollbackAnyTransaction)
                        .onErrorResume(e -> Mono.empty())
                        .then(lease.release());
            } else {
                released = lease.release();
            }
            released.subscribe(null, e -> done.tryEmitEmpty(), () -> done.tryEmitEmpty());
        }
    }

    private static @Nullable Void rollbackAnyTransaction(Connection jdbc) {
        SqliteJdbc.rollbackQuietly(jdbc);
        return null;
    }

    /** Makes the execution fail with {@code reason} before its first step: its connection closed meanwhile. */
    void refuse(R2dbcException reason) {
        aborted = reason;
    }

    /**
     * A cold Mono that stops the execution for a closing connection or an ending transaction: no further
     * step runs, every open cursor closes on the lane, and it completes once the lease (if any) is back.
     */
    Mono<Void> abort(R2dbcException reason) {
        return Mono.defer(() -> {
            List<RowCursor> open;
            synchronized (this) {
                aborted = reason;
                open = List.copyOf(cursors);
            }
            return Flux.fromIterable(open)
                    .flatMap(RowCursor::close)
                    .then(Mono.fromRunnable(this::releaseStream))
                    .then(done.asMono());
        });
    }

    /** What a step produced: a result, and the cursor it reads from if its rows are not all read yet. */
    private record Outcome(SqliteResult result, @Nullable RowCursor cursor) {

        /** Nobody will read this result: close its cursor. */
        void discard() {
            if (cursor != null) {
                cursor.close().subscribe();
            }
        }

        /** {@link #discard()} from a task of the lane itself, which may use the JDBC statement directly. */
        void discardOnLane() {
            if (cursor != null) {
                cursor.closeOnLane();
            }
        }
    }
}
