package dev.minoro.sqlite;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Lifecycle;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A logical connection of a {@link SqliteConnectionFactory}: cheap to create, it holds no lane of its own.
 *
 * <p>In auto-commit mode each statement leases a lane for as long as it runs and its results are read: a
 * clearly read-only statement a reader lane (the writer lane when there are none), anything else the writer
 * lane. {@link #beginTransaction()} leases the writer lane (a reader lane for a read-only transaction when
 * there are readers) and keeps it until commit, rollback or close; with auto-commit off, the first statement
 * begins a transaction the same way. Like every R2DBC connection it is meant to be used by one flow at a
 * time; statements in auto-commit mode may overlap.
 */
final class SqliteConnection implements Connection, Lifecycle {

    private static final String NO_TRANSACTION = "no transaction is active";

    private final SqliteConnectionFactory factory;
    private final SqliteConnectionConfiguration configuration;
    private final Lanes lanes;
    private final Object lock = new Object();
    private final Set<Execution> executions = ConcurrentHashMap.newKeySet();
    private final Mono<Void> close;
    private @Nullable Transaction transaction; // under lock
    private @Nullable Mono<Transaction> beginning; // under lock
    private volatile boolean autoCommit = true;
    private volatile IsolationLevel isolationLevel = IsolationLevel.SERIALIZABLE;
    private volatile Duration statementTimeout = Duration.ZERO;
    private volatile @Nullable Duration lockWaitTimeout;
    private volatile boolean closed;

    SqliteConnection(SqliteConnectionFactory factory) {
        this.factory = factory;
        this.configuration = factory.configuration();
        this.lanes = factory.lanes();
        this.close = Mono.defer(this::closeNow).cache();
    }

    // ------------------------------------------------------------------ statements

    @Override
    public SqliteStatement createStatement(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        return new SqliteStatement(this, sql);
    }

    @Override
    public SqliteBatch createBatch() {
        return new SqliteBatch(this);
    }

    /** Runs {@code steps} on the transaction's lane, or on a lane leased for them. */
    Flux<SqliteResult> execute(List<Execution.Step> steps, boolean readOnly, int fetchSize) {
        return Flux.defer(() -> {
            if (closed) {
                return Flux.error(closedError());
            }
            // as set when the statement runs, not when execute() was called
            Duration timeout = statementTimeout;
            Duration lockWait = lockWaitTimeout;
            return resolve(steps).flatMapMany(resolved -> laneFor(readOnly).flatMapMany(choice -> {
                Execution execution = new Execution(this, choice.lane(), choice.lease(), resolved, fetchSize, timeout,
                        choice.lease() == null ? null : lockWait);
                executions.add(execution);
                if (closed) {
                    return execution.abort(closedError()).thenMany(Flux.error(closedError()));
                }
                return execution.results();
            }));
        });
    }

    /** Reads the {@code Blob}s and {@code Clob}s among the bound values, before any lane is leased. */
    private static Mono<List<Execution.Step>> resolve(List<Execution.Step> steps) {
        boolean lobs = false;
        for (Execution.Step step : steps) {
            for (Object value : step.values()) {
                lobs |= value instanceof io.r2dbc.spi.Blob || value instanceof io.r2dbc.spi.Clob;
            }
        }
        if (!lobs) {
            return Mono.just(steps);
        }
        return Flux.fromIterable(steps)
                .concatMap(step -> Flux.fromArray(step.values())
                        .concatMap(SqliteValues::resolve)
                        .collectList()
                        .map(values -> new Execution.Step(step.sql(), step.part(), values.toArray())))
                .collectList();
    }

    private record Choice(Lane lane, @Nullable Lease lease) {
    }

    private Mono<Choice> laneFor(boolean readOnly) {
        return Mono.defer(() -> {
            Mono<Transaction> current = current();
            if (current != null) {
                return current.map(t -> new Choice(t.lease().lane(), null));
            }
            if (!autoCommit) {
                return begin(null).map(t -> new Choice(t.lease().lane(), null));
            }
            return (readOnly ? lanes.reader() : lanes.writer()).map(lease -> new Choice(lease.lane(), lease));
        });
    }

    /** An execution let go of its lane. */
    void finished(Execution execution) {
        executions.remove(execution);
    }

    Duration busyTimeout() {
        return configuration.busyTimeout();
    }

    R2dbcNonTransientResourceException closedError() {
        return factory.isClosed()
                ? SqliteExceptionFactory.factoryClosed(factory.database())
                : SqliteExceptionFactory.connectionClosed(factory.database());
    }

    // ------------------------------------------------------------------ transactions

    /** A transaction: the lease of its lane, and the settings to put back when it ends. */
    private static final class Transaction {

        private final Lease lease;
        private final boolean queryOnly;
        private final boolean readUncommitted;
        private volatile boolean busyTimeoutChanged;

        Transaction(Lease lease, boolean queryOnly, boolean readUncommitted, boolean busyTimeoutChanged) {
            this.lease = lease;
            this.queryOnly = queryOnly;
            this.readUncommitted = readUncommitted;
            this.busyTimeoutChanged = busyTimeoutChanged;
        }

        Lease lease() {
            return lease;
        }
    }

    /** The active or beginning transaction, or null. */
    private @Nullable Mono<Transaction> current() {
        synchronized (lock) {
            if (transaction != null) {
                return Mono.just(transaction);
            }
            return beginning;
        }
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

    private Mono<Transaction> begin(@Nullable TransactionDefinition definition) {
        return Mono.defer(() -> {
            synchronized (lock) {
                if (closed) {
                    return Mono.error(closedError());
                }
                if (transaction != null) {
                    return Mono.just(transaction);
                }
                if (beginning != null) {
                    return beginning;
                }
                Mono<Transaction> begin;
                try {
                    begin = beginNew(definition);
                } catch (IllegalArgumentException | R2dbcException e) {
                    return Mono.error(e);
                }
                Mono<Transaction> started = begin
                        .doOnNext(t -> {
                            synchronized (lock) {
                                transaction = t;
                                beginning = null;
                            }
                        })
                        .doOnError(e -> {
                            synchronized (lock) {
                                beginning = null;
                            }
                        })
                        .cache();
                beginning = started;
                return started;
            }
        });
    }

    private Mono<Transaction> beginNew(@Nullable TransactionDefinition definition) {
        IsolationLevel level = isolationLevel;
        boolean readOnly = configuration.readOnly();
        Duration lockWait = lockWaitTimeout;
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
                lockWait = checkTimeout(timeout, "lock wait timeout");
            }
        }
        checkIsolationLevel(level);
        boolean onReader = readOnly && lanes.hasReaders();
        boolean queryOnly = readOnly && !onReader;
        boolean readUncommitted = level == IsolationLevel.READ_UNCOMMITTED;
        Duration busy = lockWait;
        String begin = "BEGIN " + (readOnly ? SqliteConnectionConfiguration.BeginMode.DEFERRED : configuration.beginMode());
        return (onReader ? lanes.reader() : lanes.writer()).flatMap(lease -> lease.lane().<Transaction>call(jdbc -> {
            try (Statement statement = jdbc.createStatement()) {
                if (busy != null) {
                    statement.execute("PRAGMA busy_timeout = " + busy.toMillis());
                }
                try {
                    statement.execute(begin);
                    if (queryOnly) {
                        statement.execute("PRAGMA query_only = ON");
                    }
                    if (readUncommitted) {
                        statement.execute("PRAGMA read_uncommitted = ON");
                    }
                } catch (SQLException e) {
                    Transaction failed = new Transaction(lease, queryOnly, readUncommitted, busy != null);
                    quietly(statement, "ROLLBACK");
                    reset(statement, failed);
                    throw e;
                }
            }
            return new Transaction(lease, queryOnly, readUncommitted, busy != null);
        }, null, null).onErrorResume(e -> lease.release().then(Mono.error(SqliteExceptionFactory.translate(e, begin)))));
    }

    @Override
    public Mono<Void> commitTransaction() {
        return end("COMMIT", false);
    }

    @Override
    public Mono<Void> rollbackTransaction() {
        return end("ROLLBACK", true);
    }

    /**
     * Ends the transaction, if there is one, with {@code sql}: results not yet read are closed first, then the
     * lane's settings are put back and its lease released. A failed COMMIT keeps the transaction (roll it back
     * or close the connection); a ROLLBACK always ends it.
     */
    private Mono<Void> end(String sql, boolean always) {
        return Mono.defer(() -> {
            Mono<Transaction> current = current();
            if (current == null) {
                return Mono.empty();
            }
            return current.flatMap(t -> abortExecutions(t.lease().lane(), new R2dbcNonTransientResourceException(
                    "the transaction ended before this result was read; read results before "
                            + sql.toLowerCase(java.util.Locale.ROOT) + "ting"))
                    .then(t.lease().lane().<Void>call(jdbc -> {
                        try (Statement statement = jdbc.createStatement()) {
                            try {
                                statement.execute(sql);
                            } catch (SQLException e) {
                                if (!(always && isNoTransaction(e))) {
                                    throw e;
                                }
                            }
                            reset(statement, t);
                        }
                        return null;
                    }, null, null))
                    .onErrorMap(e -> SqliteExceptionFactory.translate(e, sql))
                    .then(Mono.defer(() -> release(t)))
                    .onErrorResume(e -> always ? release(t).then(Mono.error(e)) : Mono.error(e)));
        });
    }

    private Mono<Void> release(Transaction t) {
        synchronized (lock) {
            if (transaction == t) {
                transaction = null;
            }
        }
        return t.lease().release();
    }

    private void reset(Statement statement, Transaction t) {
        if (t.queryOnly) {
            quietly(statement, "PRAGMA query_only = OFF");
        }
        if (t.readUncommitted) {
            quietly(statement, "PRAGMA read_uncommitted = OFF");
        }
        if (t.busyTimeoutChanged) {
            quietly(statement, "PRAGMA busy_timeout = " + configuration.busyTimeout().toMillis());
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

    private Mono<Void> abortExecutions(Lane lane, R2dbcException reason) {
        List<Execution> onLane = new ArrayList<>();
        for (Execution execution : executions) {
            if (execution.lane() == lane) {
                onLane.add(execution);
            }
        }
        return Flux.fromIterable(onLane).flatMap(e -> e.abort(reason)).then();
    }

    /**
     * Creates a savepoint, beginning a transaction first if none is active (so auto-commit is then off):
     * {@code SAVEPOINT "name"}.
     */
    @Override
    public Mono<Void> createSavepoint(String name) {
        String quoted = quote(name);
        return begin(null).flatMap(t -> run(t, "SAVEPOINT " + quoted));
    }

    /** {@code RELEASE SAVEPOINT "name"}; fails when no transaction is active. */
    @Override
    public Mono<Void> releaseSavepoint(String name) {
        String quoted = quote(name);
        return inTransaction("release savepoint " + quoted).flatMap(t -> run(t, "RELEASE SAVEPOINT " + quoted));
    }

    /** {@code ROLLBACK TO SAVEPOINT "name"}; the transaction stays active. Fails when none is active. */
    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        String quoted = quote(name);
        return inTransaction("roll back to savepoint " + quoted)
                .flatMap(t -> run(t, "ROLLBACK TO SAVEPOINT " + quoted));
    }

    private Mono<Transaction> inTransaction(String doing) {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.error(closedError());
            }
            Mono<Transaction> current = current();
            return current != null ? current
                    : Mono.error(new R2dbcNonTransientResourceException("cannot " + doing + ": " + NO_TRANSACTION));
        });
    }

    private static Mono<Void> run(Transaction t, String sql) {
        return t.lease().lane().<Void>call(jdbc -> {
            try (Statement statement = jdbc.createStatement()) {
                statement.execute(sql);
            }
            return null;
        }, null, null).onErrorMap(e -> SqliteExceptionFactory.translate(e, sql));
    }

    private static String quote(String name) {
        if (name == null) {
            throw new IllegalArgumentException("savepoint name must not be null");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("savepoint name must not be empty");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** True when no transaction is active and auto-commit is on (the default for a new connection). */
    @Override
    public boolean isAutoCommit() {
        synchronized (lock) {
            return autoCommit && transaction == null && beginning == null;
        }
    }

    /**
     * Turns auto-commit on or off. Changing it while a transaction is active commits the transaction; with
     * auto-commit off, the next statement begins a transaction (see {@link #beginTransaction()}).
     */
    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.error(closedError());
            }
            if (this.autoCommit == autoCommit) {
                return Mono.empty();
            }
            this.autoCommit = autoCommit;
            return commitTransaction();
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
        return Mono.fromRunnable(() -> {
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
     * Sets SQLite's busy timeout for this connection's statements and transactions, instead of the factory's;
     * a lock still held when it runs out fails the statement with {@link io.r2dbc.spi.R2dbcTimeoutException}.
     */
    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        Duration checked = checkTimeout(timeout, "lock wait timeout");
        return Mono.defer(() -> {
            lockWaitTimeout = checked;
            Transaction t;
            synchronized (lock) {
                t = transaction;
            }
            if (t == null) {
                return Mono.empty();
            }
            t.busyTimeoutChanged = true;
            return run(t, "PRAGMA busy_timeout = " + checked.toMillis());
        });
    }

    /**
     * Limits how long a statement may run before it emits its first result; SQLite's running statement is then
     * interrupted and the statement fails with {@link io.r2dbc.spi.R2dbcTimeoutException}. {@link Duration#ZERO}
     * (the default) means no limit.
     */
    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        Duration checked = checkTimeout(timeout, "statement timeout");
        return Mono.fromRunnable(() -> statementTimeout = checked);
    }

    private static Duration checkTimeout(Duration timeout, String what) {
        if (timeout == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (timeout.isNegative() || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(what + " must be between 0 and " + Integer.MAX_VALUE + " ms, was "
                    + timeout);
        }
        return timeout;
    }

    // ------------------------------------------------------------------ the rest

    /**
     * LOCAL: whether neither the connection nor its factory is closed. REMOTE: that, and a {@code SELECT 1} on
     * the transaction's lane or a leased one succeeds. Emits false rather than an error.
     */
    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        if (depth == null) {
            throw new IllegalArgumentException("depth must not be null");
        }
        return Mono.defer(() -> {
            if (closed || factory.isClosed()) {
                return Mono.just(false);
            }
            if (depth == ValidationDepth.LOCAL) {
                return Mono.just(true);
            }
            Mono<Transaction> current = current();
            Mono<Boolean> check = current != null
                    ? current.flatMap(t -> ping(t.lease().lane()))
                    : Mono.usingWhen(lanes.reader(), lease -> ping(lease.lane()), Lease::release);
            return check.onErrorReturn(false).defaultIfEmpty(false);
        });
    }

    private static Mono<Boolean> ping(Lane lane) {
        return lane.call(jdbc -> {
            try (Statement statement = jdbc.createStatement(); ResultSet result = statement.executeQuery("SELECT 1")) {
                return result.next() && result.getInt(1) == 1;
            }
        }, null, null);
    }

    @Override
    public ConnectionMetadata getMetadata() {
        String version = factory.sqliteVersion();
        return new SqliteConnectionMetadata(version == null ? "unknown" : version);
    }

    /** The product and version of the database. */
    private record SqliteConnectionMetadata(String getDatabaseVersion) implements ConnectionMetadata {

        @Override
        public String getDatabaseProductName() {
            return "SQLite";
        }
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
            closed = true;
        }
        return release(closedError());
    }

    /** Nothing to do: a new connection is ready as it is. */
    @Override
    public Mono<Void> postAllocate() {
        return Mono.empty();
    }

    /**
     * A cold Mono that readies the connection for its next user when a pool such as r2dbc-pool takes it back:
     * unread results are closed, an open transaction (also one begun by a savepoint or by auto-commit off) is
     * rolled back, its lane given back, and auto-commit, isolation level and timeouts are reset.
     */
    @Override
    public Mono<Void> preRelease() {
        return release(new R2dbcNonTransientResourceException("the connection went back to its pool before this"
                + " result was read")).then(Mono.fromRunnable(() -> {
                    autoCommit = true;
                    isolationLevel = IsolationLevel.SERIALIZABLE;
                    statementTimeout = Duration.ZERO;
                    lockWaitTimeout = null;
                }));
    }

    /** Closes unread results, rolls back an open transaction and gives back every lane the connection holds. */
    private Mono<Void> release(R2dbcException reason) {
        Mono<Void> pendingBegin;
        synchronized (lock) {
            pendingBegin = beginning == null ? Mono.empty() : beginning.onErrorResume(e -> Mono.empty()).then();
        }
        return pendingBegin
                .then(Flux.fromIterable(List.copyOf(executions)).flatMap(e -> e.abort(reason)).then())
                .then(Mono.defer(() -> {
                    Transaction t;
                    synchronized (lock) {
                        t = transaction;
                    }
                    if (t == null) {
                        return Mono.empty();
                    }
                    return t.lease().lane().<Void>call(jdbc -> {
                        try (Statement statement = jdbc.createStatement()) {
                            quietly(statement, "ROLLBACK");
                            reset(statement, t);
                        }
                        return null;
                    }, null, null).onErrorResume(e -> Mono.empty()).then(Mono.defer(() -> release(t)));
                }));
    }

    @Override
    public String toString() {
        return "SqliteConnection{" + factory.database() + (closed ? ", closed" : "") + "}";
    }
}
