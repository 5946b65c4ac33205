package dev.minoro.sqlite;

import dev.minoro.sqlite.internal.BindingRules;
import dev.minoro.sqlite.internal.BoundSql;
import dev.minoro.sqlite.internal.DriverConnection;
import dev.minoro.sqlite.internal.EveryError;
import dev.minoro.sqlite.internal.SqliteResult;
import dev.minoro.sqlite.internal.Timeouts;
import dev.minoro.sqlite.internal.TransactionSql;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.TransactionDefinition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A logical connection of a {@link SqliteConnectionFactory}: cheap to create, it holds no lane of its own.
 *
 * <p>In auto-commit mode each statement leases a lane for as long as it runs and its results are read: a
 * clearly read-only statement a reader lane (the writer lane when there are none), anything else the writer
 * lane. {@link #beginTransaction()} leases the writer lane (a reader lane for a read-only transaction when
 * there are readers) and keeps it until commit, rollback or close; with auto-commit off, the first statement
 * begins a transaction the same way. Like every R2DBC connection it is meant to be used by one flow at a
 * time; statements in auto-commit mode may overlap.
 *
 * <p>Cancellation. A lease always has an owner that gives it back: an auto-commit statement's {@link Execution},
 * or the connection's transaction. A transaction's state (begun, ended) changes on its lane, in the same task as
 * its BEGIN, COMMIT or ROLLBACK, never in an operator downstream that a cancelled subscriber would skip: a COMMIT
 * or ROLLBACK that has started runs to its end and gives the lane back, whoever still listens; one cancelled
 * before it started leaves the transaction as it was. A {@link #beginTransaction()} whose callers all cancel
 * before it is done begins nothing: it skips BEGIN, or rolls back what it began, and gives the lane back. That
 * also holds for operations subscribed after their subscriber was cancelled (as {@code timeout} may do), which
 * on a pooled connection would otherwise act on the transaction of the connection's next user.
 *
 * <p>SQLite may end a transaction by itself: it rolls it back when an INSERT, UPDATE or DELETE in it is interrupted
 * (a cancel, a statement timeout) or on errors such as SQLITE_FULL. A statement of the transaction that failed or
 * was cancelled asks SQLite, on the lane, whether the transaction is still open; if not, the transaction's later
 * statements, savepoints and COMMIT fail with {@link io.r2dbc.spi.R2dbcRollbackException} until it is rolled back
 * or the connection closes, instead of running in auto-commit mode outside it.
 *
 * <p>Work of a transaction sent before its COMMIT, ROLLBACK or close completed (a statement, the rest of its rows,
 * a savepoint, another COMMIT or ROLLBACK, the ROLLBACK of a closing connection) checks on the lane, when it runs,
 * that the transaction has not ended meanwhile: once it has, its lane may be the next lessee's, whose transaction
 * such work must not touch. Then a COMMIT after a COMMIT and a ROLLBACK after anything complete doing nothing, a
 * statement, a savepoint or a COMMIT after a rollback fails with {@link R2dbcNonTransientResourceException} saying
 * how the transaction ended, and unread rows fail as the ending's abort of its results says. Whether such work
 * runs before or after the ending is up to the order in which it reaches the lane; work sent once the ending
 * completed is new work.
 */
final class SqliteConnection extends DriverConnection {

    private static final String NO_TRANSACTION = "no transaction is active";

    private final SqliteConnectionFactory factory;
    private final SqliteConnectionConfiguration configuration;
    private final Lanes lanes;
    private final Object lock = new Object();
    private final Set<Execution> executions = ConcurrentHashMap.newKeySet();
    private final Mono<Void> close;
    private @Nullable Transaction transaction; // under lock
    private @Nullable Beginning beginning; // under lock
    private volatile IsolationLevel isolationLevel = IsolationLevel.SERIALIZABLE;
    private volatile Duration statementTimeout = Duration.ZERO;
    private volatile @Nullable Duration lockWaitTimeout;

    SqliteConnection(SqliteConnectionFactory factory) {
        super(BindingRules.SQLITE);
        this.factory = factory;
        this.configuration = factory.configuration();
        this.lanes = factory.lanes();
        this.close = Mono.defer(this::closeNow).cache();
    }

    // ------------------------------------------------------------------ statements

    /** Runs {@code statements} on the transaction's lane, or on a lane leased for them. */
    @Override
    protected Flux<SqliteResult> run(List<BoundSql> statements, boolean readOnly, int fetchSize) {
        // as set when the statement runs, not when execute() was called
        Duration timeout = statementTimeout;
        return Flux.usingWhen(
                laneFor(readOnly, statements.get(0).sql()).map(choice -> start(choice, statements, fetchSize, timeout)),
                Execution::results,
                Execution::streamEnded,
                (execution, error) -> execution.streamEnded(),
                Execution::streamEnded);
    }

    /** The execution of {@code statements} on the chosen lane, which owns the lease (if any) from now on. */
    private Execution start(Choice choice, List<BoundSql> statements, int fetchSize, Duration timeout) {
        Execution execution = new Execution(this, choice.lane(), choice.lease(), choice.transaction(), statements,
                fetchSize, timeout, choice.lockWait());
        executions.add(execution);
        // close() aborts the executions it finds; this one came too late to be found
        if (isClosed()) {
            execution.refuse(closedError());
        }
        return execution;
    }

    /**
     * Where a statement runs: its lane, and either the lease it owns or the transaction whose lane it is; its lock
     * wait.
     */
    private record Choice(Lane lane, @Nullable Lease lease, @Nullable Transaction transaction, LockWait lockWait) {
    }

    private Mono<Choice> laneFor(boolean readOnly, String sql) {
        return Mono.defer(() -> {
            Mono<Transaction> current = current();
            if (current == null && !autoCommit()) {
                current = begin(null);
            }
            if (current != null) {
                return current.map(t -> new Choice(t.lease().lane(), null, t, new LockWait(t.lockWait)));
            }
            LockWait wait = new LockWait(lockWait());
            Supplier<String> holder = () -> "a statement ('" + sql + "')";
            return (readOnly ? lanes.readerForStatement(wait, holder) : lanes.writer(wait, holder))
                    .map(lease -> new Choice(lease.lane(), lease, null, wait))
                    // a wait for the lane that runs out names the statement, as SQLite's own errors do
                    .onErrorMap(e -> SqliteExceptionFactory.translate(e, sql));
        });
    }

    /** How long a call of this connection may wait for its lane and SQLite's lock together. */
    private Duration lockWait() {
        Duration lockWait = lockWaitTimeout;
        return lockWait != null ? lockWait : configuration.busyTimeout();
    }

    /** An execution let go of its lane. */
    void finished(Execution execution) {
        executions.remove(execution);
    }

    @Override
    protected R2dbcNonTransientResourceException closedError() {
        return factory.isClosed()
                ? SqliteExceptionFactory.factoryClosed(factory.database())
                : SqliteExceptionFactory.connectionClosed(factory.database());
    }

    // ------------------------------------------------------------------ transactions

    /** A transaction: the lease of its lane, the lock wait of its statements, the settings to put back. */
    static final class Transaction {

        private final Lease lease;
        private final boolean queryOnly;
        private final boolean readUncommitted;
        private final Sinks.Empty<Void> released = Sinks.empty();
        private volatile Duration lockWait;
        /** The SQL whose failure or interrupt made SQLite roll the transaction back by itself, or null. */
        private volatile @Nullable String rolledBackBy;
        /**
         * How the transaction ended, or null while it is active; set on its lane (or once its lane has failed, when
         * no task runs on it any more).
         */
        private volatile @Nullable Ending endedBy;

        Transaction(Lease lease, boolean queryOnly, boolean readUncommitted, Duration lockWait) {
            this.lease = lease;
            this.queryOnly = queryOnly;
            this.readUncommitted = readUncommitted;
            this.lockWait = lockWait;
        }

        Lease lease() {
            return lease;
        }

        /**
         * Throws the error of {@code sql} sent in this transaction once it has ended (its lane may be another
         * lessee's by now), or once SQLite has rolled it back by itself; on its lane, so that it sees what every task
         * before it found.
         */
        void requireKept(String sql) {
            Ending ending = endedBy;
            if (ending != null) {
                throw ending.error(sql);
            }
            String failed = rolledBackBy;
            if (failed != null) {
                throw TransactionSql.rolledBack(failed, sql);
            }
        }

        /** Whether the transaction has ended; on its lane, so that it sees what every task before it did. */
        boolean isOver() {
            return endedBy != null;
        }

        /**
         * SQLite rolled the transaction back by itself when {@code sql} failed or was interrupted, as a statement's
         * task has just found on the lane: later statements and COMMIT fail (see {@link TransactionSql#rolledBack})
         * until the application rolls back or closes. On the lane.
         */
        void rolledBack(String sql) {
            if (endedBy == null && rolledBackBy == null) {
                rolledBackBy = sql;
            }
        }

        /** The error of {@code sql} of this transaction when it has ended, or null while it is active. */
        @Nullable R2dbcException endedError(String sql) {
            Ending ending = endedBy;
            return ending == null ? null : ending.error(sql);
        }
    }

    /** How a transaction ended. */
    private enum Ending {
        COMMIT("was committed"),
        ROLLBACK("was rolled back"),
        CLOSE("was rolled back as its connection closed or went back to its pool");

        private final String how;

        Ending(String how) {
            this.how = how;
        }

        /**
         * The error of {@code sql} of the transaction, sent with the ending still to come or not waited for (a
         * connection runs one flow at a time): it did not run, as the lane may be another lessee's by then. Not an
         * {@link R2dbcRollbackException}, which is transient (run the transaction again): this is the application's
         * own ending, and running it again would meet it again.
         */
        R2dbcException error(String sql) {
            return new R2dbcNonTransientResourceException("the transaction " + how + " before this SQL ran, so it did"
                    + " not run; send a transaction's SQL before ending it, not at the same time: a connection runs"
                    + " one flow at a time", null, 0, sql);
        }
    }

    /** The active or beginning transaction, or null. */
    private @Nullable Mono<Transaction> current() {
        synchronized (lock) {
            if (transaction != null) {
                return Mono.just(transaction);
            }
            return beginning == null ? null : beginning.join();
        }
    }

    /**
     * The transaction is over, ended as {@code ending} says, as its lane's task has just found: the connection forgets
     * it and gives its lane back, whoever still listens; work of the transaction that runs on the lane later does
     * nothing there (see {@link Transaction#requireKept}). Idempotent. Its {@code released} completes once the lease
     * is back.
     */
    private void ended(Transaction t, Ending ending) {
        if (t.endedBy == null) {
            t.endedBy = ending;
        }
        synchronized (lock) {
            if (transaction == t) {
                transaction = null;
            }
        }
        t.lease().release().subscribe(null, e -> t.released.tryEmitEmpty(), () -> t.released.tryEmitEmpty());
    }

    @Override
    public Mono<Void> beginTransaction() {
        return begin(null).then();
    }

    /**
     * A cold Mono that begins a transaction with {@code BEGIN} in the factory's begin mode (IMMEDIATE by
     * default) on the writer lane, which the connection then holds until commit, rollback or close; it
     * completes at once when a transaction is already active. Supports {@link TransactionDefinition#READ_ONLY}
     * (a reader lane and {@code BEGIN DEFERRED}; on a writer lane, {@code PRAGMA query_only}),
     * {@link TransactionDefinition#ISOLATION_LEVEL} (see {@link #setTransactionIsolationLevel}) and
     * {@link TransactionDefinition#LOCK_WAIT_TIMEOUT} (SQLite's busy timeout for the transaction).
     */
    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        if (definition == null) {
            throw new IllegalArgumentException("definition must not be null");
        }
        return begin(definition).then();
    }

    /** The active transaction, or one that begins now (see {@link Beginning}). */
    private Mono<Transaction> begin(@Nullable TransactionDefinition definition) {
        return Mono.defer(() -> {
            synchronized (lock) {
                if (isClosed()) {
                    return Mono.error(closedError());
                }
                if (transaction != null) {
                    return Mono.just(transaction);
                }
                if (beginning == null) {
                    try {
                        beginning = new Beginning(definition);
                    } catch (IllegalArgumentException | R2dbcException e) {
                        return Mono.error(e);
                    }
                }
                return beginning.join();
            }
        });
    }

    /**
     * A transaction that is beginning: one lease and one BEGIN, shared by every caller that waits for it (an
     * explicit {@code beginTransaction()}, statements with auto-commit off, a closing connection that will roll
     * it back). It begins only for callers that still wait: once the last of them has cancelled, it gives back
     * the lane it may still be waiting for as soon as it gets it, skips BEGIN, or rolls back a BEGIN that ran
     * before anyone heard of it. Whether it became the connection's transaction or was abandoned is settled under
     * the connection's lock, on the lane, right after BEGIN.
     */
    private final class Beginning {

        private final @Nullable TransactionDefinition definition;
        private final Mono<Transaction> work;
        private final Sinks.One<Transaction> outcome = Sinks.one();
        private final Sinks.Empty<Void> over = Sinks.empty();
        private int waiting; // under lock
        private boolean started; // under lock
        private boolean settled; // under lock: begun, failed or abandoned
        private boolean abandoned; // under lock

        /** Checks the definition at once (errors are thrown); begins on the first {@link #join()}. */
        Beginning(@Nullable TransactionDefinition definition) {
            this.definition = definition;
            this.work = beginNew(definition, this);
        }

        /**
         * A cold Mono of the transaction for one more caller; a caller that cancels stops waiting for it. A caller
         * that comes after every other caller left begins anew.
         */
        Mono<Transaction> join() {
            return Mono.create(sink -> {
                boolean joined;
                synchronized (lock) {
                    joined = !abandoned;
                    if (joined) {
                        waiting++;
                    }
                }
                if (!joined) {
                    sink.onCancel(begin(definition).subscribe(sink::success, sink::error));
                    return;
                }
                // at once if the caller has cancelled already, as an operator may subscribe after that
                sink.onCancel(this::leave);
                sink.onDispose(outcome.asMono().subscribe(sink::success, sink::error));
                start();
            });
        }

        /** A cold Mono that completes once the beginning is settled: begun, failed or abandoned. */
        Mono<Void> settled() {
            return over.asMono();
        }

        private void start() {
            synchronized (lock) {
                if (started || settled) {
                    return;
                }
                started = true;
            }
            work.subscribe(null, error -> {
                synchronized (lock) {
                    settled = true;
                    if (beginning == this) {
                        beginning = null;
                    }
                }
                outcome.tryEmitError(error);
                over.tryEmitEmpty();
            }, () -> {
                // begun (the outcome is out already) or abandoned (nobody listens)
            });
        }

        private void leave() {
            synchronized (lock) {
                if (settled || --waiting > 0) {
                    return;
                }
                settled = true;
                abandoned = true;
                if (beginning == this) {
                    beginning = null;
                }
            }
            over.tryEmitEmpty();
        }

        /** Whether anyone still waits; on the lane, before BEGIN. */
        boolean wanted() {
            synchronized (lock) {
                return !settled;
            }
        }

        /**
         * Makes {@code t}, whose BEGIN just ran, the connection's transaction, unless every caller has left
         * meanwhile: then false, and the caller rolls it back. On the lane.
         */
        boolean settle(Transaction t) {
            synchronized (lock) {
                if (settled) {
                    return false;
                }
                settled = true;
                transaction = t;
                if (beginning == this) {
                    beginning = null;
                }
            }
            outcome.tryEmitValue(t);
            over.tryEmitEmpty();
            return true;
        }
    }

    private Mono<Transaction> beginNew(@Nullable TransactionDefinition definition, Beginning beginning) {
        IsolationLevel level = isolationLevel;
        boolean readOnly = configuration.readOnly();
        Duration lockWait = lockWait();
        if (definition != null) {
            IsolationLevel requested = definition.getAttribute(TransactionDefinition.ISOLATION_LEVEL);
            if (requested != null) {
                level = requested;
            }
            Boolean readOnlyRequested = definition.getAttribute(TransactionDefinition.READ_ONLY);
            if (Boolean.FALSE.equals(readOnlyRequested) && configuration.readOnly()) {
                throw new R2dbcPermissionDeniedException("a read-write transaction cannot begin on a read-only"
                        + " SQLite connection factory for " + configuration.database());
            }
            readOnly |= Boolean.TRUE.equals(readOnlyRequested);
            Duration timeout = definition.getAttribute(TransactionDefinition.LOCK_WAIT_TIMEOUT);
            if (timeout != null) {
                lockWait = Timeouts.check(timeout, "lock wait timeout", true);
            }
        }
        checkIsolationLevel(level);
        boolean onReader = readOnly && lanes.hasReaders();
        boolean queryOnly = readOnly && !onReader;
        boolean readUncommitted = level == IsolationLevel.READ_UNCOMMITTED;
        Duration transactionLockWait = lockWait;
        LockWait wait = new LockWait(lockWait);
        String begin = "BEGIN "
                + (readOnly ? SqliteConnectionConfiguration.BeginMode.DEFERRED : configuration.beginMode());
        Supplier<String> holder = () -> "a transaction (" + begin + ")";
        // never cancelled: a lease that arrives for an abandoned beginning goes straight back
        return (onReader ? lanes.reader(wait, holder) : lanes.writer(wait, holder)).flatMap(lease -> lease.lane()
                .<Transaction>call(jdbc -> {
                    if (!beginning.wanted()) {
                        return null;
                    }
                    Transaction started = new Transaction(lease, queryOnly, readUncommitted, transactionLockWait);
                    try (Statement statement = jdbc.createStatement()) {
                        try {
                            // a BEGIN refused a lock leaves no transaction, so it can run again
                            untilLocked(lease.lane(), statement, begin);
                            if (queryOnly) {
                                statement.execute("PRAGMA query_only = ON");
                            }
                            if (readUncommitted) {
                                statement.execute("PRAGMA read_uncommitted = ON");
                            }
                        } catch (SQLException e) {
                            quietly(statement, "ROLLBACK");
                            reset(statement, started);
                            throw e;
                        }
                        if (!beginning.settle(started)) {
                            quietly(statement, "ROLLBACK");
                            reset(statement, started);
                            return null;
                        }
                    }
                    return started;
                }, wait)
                .switchIfEmpty(lease.release().then(Mono.empty()))
                .onErrorResume(e -> lease.release().then(EveryError.error(
                        SqliteExceptionFactory.translate(e, begin)))));
    }

    /**
     * Runs {@code sql}, and again while SQLite refuses it a lock without having waited for it (it does not call
     * its busy handler for every lock), within the lock wait of the task; only for SQL that leaves nothing behind
     * when it fails with SQLITE_BUSY: BEGIN, and COMMIT, which SQLite documents as safe to retry.
     */
    private static void untilLocked(Lane lane, Statement statement, String sql) throws SQLException {
        for (int attempt = 0;; attempt++) {
            try {
                statement.execute(sql);
                return;
            } catch (SQLException e) {
                if (!SqliteExceptionFactory.isLocked(e) || !lane.pauseForLock(attempt)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Commits the transaction, if there is one: results not yet read are closed first, then COMMIT runs (again
     * while SQLite refuses it the lock without waiting, within the transaction's lock wait), the lane's settings
     * are put back and its lease released. A COMMIT that has started runs to its end whatever the subscriber
     * does; one cancelled before leaves the transaction active. A failed COMMIT keeps the transaction: roll it
     * back or close the connection. Without a transaction it completes doing nothing, except on a closed
     * connection, where it fails as other calls there do: a transaction the connection had was rolled back as it
     * closed.
     */
    @Override
    public Mono<Void> commitTransaction() {
        return end(Ending.COMMIT, "committing");
    }

    /** Rolls back the transaction, if there is one, as {@link #commitTransaction()} commits; it always ends it. */
    @Override
    public Mono<Void> rollbackTransaction() {
        return end(Ending.ROLLBACK, "rolling back");
    }

    /**
     * Ends the transaction, if there is one, with COMMIT or ROLLBACK, as {@code ending} says. The lane's task that
     * runs it also ends the transaction's state and gives its lane back, so a subscriber that cancels cannot leave it
     * half ended. A ROLLBACK ends the transaction (and its lease goes back) even when it fails; a COMMIT that fails
     * keeps it.
     *
     * @param doing what ending is called in messages, such as {@code committing}
     */
    private Mono<Void> end(Ending ending, String doing) {
        String sql = ending.name();
        boolean always = ending == Ending.ROLLBACK;
        return Mono.defer(() -> {
            Mono<Transaction> current = current();
            if (current == null) {
                // a COMMIT on a closed connection commits nothing: a transaction it had was rolled back as it closed
                return ending == Ending.COMMIT && isClosed() ? Mono.error(closedError()) : Mono.empty();
            }
            String unread = "the transaction ended before this result was read; read results before " + doing;
            return current.flatMap(t -> abortExecutions(t, new R2dbcNonTransientResourceException(unread))
                    .then(t.lease().lane().<Void>call(jdbc -> {
                        R2dbcException over = t.endedError(sql);
                        if (over != null) {
                            // ended meanwhile (a concurrent COMMIT, ROLLBACK or close): the lane may be the next
                            // lessee's; a COMMIT after a ROLLBACK fails, anything else has nothing left to do
                            if (!always && t.endedBy != Ending.COMMIT) {
                                throw over;
                            }
                            return null;
                        }
                        if (!always) {
                            t.requireKept(sql);
                        }
                        try (Statement statement = jdbc.createStatement()) {
                            try {
                                untilLocked(t.lease().lane(), statement, sql);
                            } catch (SQLException e) {
                                if (!always) {
                                    throw e;
                                }
                                if (!isNoTransaction(e)) {
                                    reset(statement, t);
                                    ended(t, ending);
                                    throw e;
                                }
                            }
                            reset(statement, t);
                        }
                        ended(t, ending);
                        return null;
                    }, new LockWait(t.lockWait)))
                    .onErrorMap(e -> SqliteExceptionFactory.translate(e, sql))
                    .then(t.released.asMono()));
        });
    }

    private static void reset(Statement statement, Transaction t) {
        if (t.queryOnly) {
            quietly(statement, "PRAGMA query_only = OFF");
        }
        if (t.readUncommitted) {
            quietly(statement, "PRAGMA read_uncommitted = OFF");
        }
    }

    private static void quietly(Statement statement, String sql) {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            // best effort: the lane keeps working with the setting as it is
        }
    }

    private static boolean isNoTransaction(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains(NO_TRANSACTION);
    }

    /** Aborts the executions of transaction {@code t} (not those of a later one, for an ending that came late). */
    private Mono<Void> abortExecutions(Transaction t, R2dbcException reason) {
        List<Execution> ofTransaction = new ArrayList<>();
        for (Execution execution : executions) {
            if (execution.transaction() == t) {
                ofTransaction.add(execution);
            }
        }
        return Flux.fromIterable(ofTransaction).flatMap(e -> e.abort(reason)).then();
    }

    /**
     * Creates a savepoint, beginning a transaction first if none is active (so auto-commit is then off):
     * {@code SAVEPOINT "name"}.
     */
    @Override
    public Mono<Void> createSavepoint(String name) {
        String sql = TransactionSql.savepoint(name);
        return begin(null).flatMap(t -> run(t, sql));
    }

    /** {@code RELEASE SAVEPOINT "name"}; fails when no transaction is active. */
    @Override
    public Mono<Void> releaseSavepoint(String name) {
        String sql = TransactionSql.releaseSavepoint(name);
        return inTransaction(sql).flatMap(t -> run(t, sql));
    }

    /** {@code ROLLBACK TO SAVEPOINT "name"}; the transaction stays active. Fails when none is active. */
    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        String sql = TransactionSql.rollbackToSavepoint(name);
        return inTransaction(sql).flatMap(t -> run(t, sql));
    }

    private Mono<Transaction> inTransaction(String sql) {
        return Mono.defer(() -> {
            if (isClosed()) {
                return Mono.error(closedError());
            }
            Mono<Transaction> current = current();
            return current != null ? current : Mono.error(TransactionSql.noTransaction(sql));
        });
    }

    private static Mono<Void> run(Transaction t, String sql) {
        return t.lease().lane().<Void>call(jdbc -> {
            t.requireKept(sql);
            try (Statement statement = jdbc.createStatement()) {
                statement.execute(sql);
            }
            return null;
        }).onErrorMap(e -> SqliteExceptionFactory.translate(e, sql));
    }

    /** True when no transaction is active and auto-commit is on (the default for a new connection). */
    @Override
    public boolean isAutoCommit() {
        synchronized (lock) {
            return autoCommit() && transaction == null && beginning == null;
        }
    }

    /**
     * Turning auto-commit on or off while a transaction is active commits the transaction; with auto-commit off,
     * the next statement begins a transaction (see {@link #beginTransaction()}).
     */
    @Override
    protected Mono<Void> switchAutoCommit(boolean on) {
        return change(() -> autoCommit(on)).then(commitTransaction());
    }

    /**
     * A cold Mono that runs {@code change} of the connection's settings when subscribed, unless its subscriber
     * has cancelled by then: an operator such as {@code timeout} may subscribe after it was cancelled, and a
     * pooled connection may be its next user's by then.
     */
    private static Mono<Void> change(Runnable change) {
        return Mono.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            // called at once if the subscriber has cancelled already
            sink.onCancel(() -> cancelled.set(true));
            if (!cancelled.get()) {
                change.run();
            }
            sink.success();
        });
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return isolationLevel;
    }

    /**
     * Sets the isolation level of later transactions. SQLite's transactions are SERIALIZABLE
     * (<a href="https://www.sqlite.org/isolation.html">SQLite: isolation</a>); READ_UNCOMMITTED sets
     * {@code PRAGMA read_uncommitted}, which SQLite honours only between connections that share a cache, so
     * on this driver's lanes it reads as SERIALIZABLE does. Other levels fail with
     * {@link IllegalArgumentException}.
     */
    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        if (isolationLevel == null) {
            throw new IllegalArgumentException("isolationLevel must not be null");
        }
        return change(() -> {
            checkIsolationLevel(isolationLevel);
            this.isolationLevel = isolationLevel;
        });
    }

    private static void checkIsolationLevel(IsolationLevel level) {
        if (!level.equals(IsolationLevel.SERIALIZABLE) && !level.equals(IsolationLevel.READ_UNCOMMITTED)) {
            throw new IllegalArgumentException("SQLite supports the isolation levels SERIALIZABLE and READ_UNCOMMITTED,"
                    + " not " + level.asSql());
        }
    }

    /**
     * Sets the busy timeout of this connection's later statements and transactions, instead of the factory's
     * (and of the statements of an active transaction): how long each may wait in total for its lane and for
     * SQLite's lock; a lock still held when it runs out fails the statement with
     * {@link io.r2dbc.spi.R2dbcTimeoutException}.
     */
    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        Duration checked = Timeouts.check(timeout, "lock wait timeout", true);
        return change(() -> {
            lockWaitTimeout = checked;
            synchronized (lock) {
                if (transaction != null) {
                    transaction.lockWait = checked;
                }
            }
        });
    }

    /**
     * Limits how long a statement may run before it emits its first result; SQLite's running statement is then
     * interrupted and the statement fails with {@link io.r2dbc.spi.R2dbcTimeoutException}. {@link Duration#ZERO}
     * (the default) means no limit.
     */
    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        Duration checked = Timeouts.check(timeout, "statement timeout", true);
        return change(() -> statementTimeout = checked);
    }

    // ------------------------------------------------------------------ the rest

    /** Whether the factory is open (for {@link #validate}, which also checks the connection). */
    @Override
    protected boolean usable() {
        return !factory.isClosed();
    }

    /** {@code SELECT 1} on the transaction's lane or a leased one (for {@link #validate} REMOTE). */
    @Override
    protected Mono<Boolean> ping() {
        Mono<Transaction> current = current();
        return current != null
                ? current.flatMap(t -> ping(t.lease().lane()))
                : Mono.usingWhen(lanes.reader(new LockWait(lockWait()), () -> "a validation ('SELECT 1')"),
                        lease -> ping(lease.lane()), Lease::release);
    }

    private static Mono<Boolean> ping(Lane lane) {
        return lane.call(jdbc -> {
            try (Statement statement = jdbc.createStatement(); ResultSet result = statement.executeQuery("SELECT 1")) {
                return result.next() && result.getInt(1) == 1;
            }
        });
    }

    @Override
    public ConnectionMetadata getMetadata() {
        String version = factory.sqliteVersion();
        return metadata("SQLite", version == null ? "unknown" : version);
    }

    /**
     * A cold Mono that closes the connection: results not yet read are closed, an open transaction is rolled
     * back, and every lane the connection holds goes back to its pool. Idempotent.
     */
    @Override
    public Mono<Void> close() {
        return close;
    }

    private Mono<Void> closeNow() {
        synchronized (lock) {
            markClosed();
        }
        return release(this::closedError);
    }

    /**
     * A cold Mono that readies the connection for its next user when a pool such as r2dbc-pool takes it back:
     * unread results are closed, an open transaction (also one begun by a savepoint or by auto-commit off) is
     * rolled back, its lane given back, and auto-commit, isolation level and timeouts are reset. Runs to its
     * end once subscribed.
     */
    @Override
    public Mono<Void> preRelease() {
        return Mono.defer(() -> release(() -> new R2dbcNonTransientResourceException("the connection went back to its"
                + " pool before this result was read")))
                .then(Mono.<Void>fromRunnable(() -> {
                    autoCommit(true);
                    isolationLevel = IsolationLevel.SERIALIZABLE;
                    statementTimeout = Duration.ZERO;
                    lockWaitTimeout = null;
                }))
                .cache();
    }

    /**
     * Closes unread results, failing their readers with {@code reason} (made only when there are some), rolls back
     * an open transaction and gives back every lane the connection holds; a transaction still beginning is waited
     * for, then rolled back.
     */
    private Mono<Void> release(Supplier<R2dbcException> reason) {
        Mono<Void> pendingBegin;
        synchronized (lock) {
            // a transaction still beginning for a caller becomes active, then is rolled back below
            pendingBegin = beginning == null ? Mono.empty() : beginning.settled();
        }
        return pendingBegin
                .then(Mono.defer(() -> {
                    List<Execution> unread = List.copyOf(executions);
                    if (unread.isEmpty()) {
                        return Mono.empty();
                    }
                    R2dbcException error = reason.get();
                    return Flux.fromIterable(unread).flatMap(e -> e.abort(error)).then();
                }))
                .then(Mono.defer(() -> {
                    Transaction t;
                    synchronized (lock) {
                        t = transaction;
                    }
                    if (t == null) {
                        return Mono.empty();
                    }
                    return t.lease().lane().<Void>callToEnd(jdbc -> {
                        if (t.isOver()) {
                            // ended by a COMMIT or ROLLBACK that ran meanwhile: the lane may be the next lessee's
                            return null;
                        }
                        try (Statement statement = jdbc.createStatement()) {
                            quietly(statement, "ROLLBACK");
                            reset(statement, t);
                        }
                        ended(t, Ending.CLOSE);
                        return null;
                    }).onErrorResume(e -> Mono.fromRunnable(() -> ended(t, Ending.CLOSE)))
                            .then(t.released.asMono());
                }));
    }

    @Override
    public String toString() {
        return "SqliteConnection{" + factory.database() + (isClosed() ? ", closed" : "") + "}";
    }
}
