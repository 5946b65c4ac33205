package dev.minoro.libsql;

import dev.minoro.sqlite.internal.BindingRules;
import dev.minoro.sqlite.internal.BoundSql;
import dev.minoro.sqlite.internal.DriverConnection;
import dev.minoro.sqlite.internal.SqlScript;
import dev.minoro.sqlite.internal.SqliteColumnMetadata;
import dev.minoro.sqlite.internal.SqliteResult;
import dev.minoro.sqlite.internal.SqliteRowMetadata;
import dev.minoro.sqlite.internal.Timeouts;
import dev.minoro.sqlite.internal.TransactionSql;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.TransactionDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A logical connection of a {@link LibsqlConnectionFactory}: cheap to create, it opens nothing until a
 * statement runs.
 *
 * <p><b>Auto-commit.</b> Each statement (or batch, or script) is one HTTP request that opens a Hrana stream,
 * runs the statement and closes the stream: {@code [batch, close]}. Nothing outlives the request on the server,
 * so a connection outside a transaction never meets an expired stream; state that SQLite keeps per connection
 * (TEMP tables, {@code PRAGMA}s) does not outlive the statement either. SQL that leaves a transaction open
 * ({@code BEGIN} without {@code COMMIT}) is rolled back when the stream closes, and the execution fails.
 *
 * <p><b>Transactions.</b> {@link #beginTransaction()} sends nothing: the first statement carries
 * {@code BEGIN IMMEDIATE} in the same request, as {@code @libsql/client} does, and the connection keeps the
 * stream (its baton) until commit, rollback or close, which send {@code COMMIT} or {@code ROLLBACK} and close
 * the stream in one request. Every statement of the transaction runs only while the server still holds the
 * transaction (a Hrana {@code is_autocommit} condition), so a transaction that the server rolled back (sqld's
 * TRANSACTION_TIMEOUT, or its stream expired after 10 s without a request) fails the statement with
 * {@link R2dbcRollbackException} or {@link LibsqlStreamExpiredException} instead of running it outside the
 * transaction. A statement cancelled (or out of its statement timeout) before its answer reached the caller rolls
 * the transaction back: its answer is awaited in the background for the stream's baton, then {@code ROLLBACK} and
 * the close are sent, and {@link #close()} completes only after them. What a cancelled request brings later, a
 * failure included, goes nowhere (not to Reactor's dropped-error hook). A COMMIT that fails ends the transaction
 * too: the stream is closed in the same request.
 *
 * <p>Results are read whole from the response before they are emitted, on the factory's HTTP threads; row
 * mapping functions must not block.
 */
final class LibsqlConnection extends DriverConnection {

    private static final Hrana.Condition IN_TRANSACTION = new Hrana.Not(new Hrana.IsAutocommit());

    private final LibsqlConnectionFactory factory;
    private final HranaClient client;
    private final Object lock = new Object();
    private final Set<CompletableFuture<?>> requests = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<?>> endings = ConcurrentHashMap.newKeySet();
    private final Mono<Void> close;
    private @Nullable Transaction transaction; // under lock
    private volatile Duration statementTimeout = Duration.ZERO;

    /** A transaction: its stream, whether its BEGIN has run, and, once the server no longer holds it, why. */
    private static final class Transaction {

        private final String begin;
        private final HranaStream stream;
        private boolean started; // under the connection's lock
        private @Nullable R2dbcException ended; // under the connection's lock

        Transaction(String begin, HranaStream stream) {
            this.begin = begin;
            this.stream = stream;
        }
    }

    /**
     * One request of a transaction: whether its answer came, whether it reached the subscriber, and whether the
     * subscriber left before its answer came.
     */
    private static final class Exchange {
        private boolean answered;
        private boolean delivered;
        private boolean cancelled;
    }

    LibsqlConnection(LibsqlConnectionFactory factory, HranaClient client) {
        super(BindingRules.HRANA);
        this.factory = factory;
        this.client = client;
        this.close = Mono.defer(this::closeNow).cache();
    }

    // ------------------------------------------------------------------ statements

    /**
     * Runs {@code calls} in one request, in the transaction or on a stream of their own. The server decides where
     * reads run and sends all rows at once, so {@code readOnly} and {@code fetchSize} change nothing.
     */
    @Override
    protected Flux<SqliteResult> run(List<BoundSql> calls, boolean readOnly, int fetchSize) {
        Transaction t = transactionFor(null);
        return t == null ? autoCommitted(calls) : inTransaction(t, calls);
    }

    private Flux<SqliteResult> autoCommitted(List<BoundSql> calls) {
        List<Hrana.Step> steps = new ArrayList<>(calls.size());
        for (BoundSql call : calls) {
            steps.add(step(call, steps.isEmpty() ? null : new Hrana.Ok(steps.size() - 1)));
        }
        boolean control = transactionControl(calls);
        List<Hrana.Request> pipeline = new ArrayList<>(3);
        pipeline.add(new Hrana.BatchRequest(steps));
        if (control) {
            pipeline.add(new Hrana.GetAutocommit());
        }
        pipeline.add(new Hrana.Close());
        String sql = sqlOf(calls);
        Mono<Hrana.Response> response = Mono.defer(() -> {
            CompletableFuture<Hrana.Response> request = client.send(null, null, pipeline,
                    factory.configuration().requestTimeout(), sql);
            requests.add(request);
            request.whenComplete((value, error) -> requests.remove(request));
            // cancelling aborts the exchange: nothing of the stream outlives it
            return answer(request, true);
        });
        return withStatementTimeout(response, sql).flatMapMany(r -> {
            Flux<SqliteResult> results = results(calls, r.outcomes().get(0), 0, null);
            if (control && r.outcomes().get(1) instanceof Hrana.AutocommitOutcome
                    && !((Hrana.AutocommitOutcome) r.outcomes().get(1)).autocommit()) {
                return results.concatWith(Flux.error(TransactionSql.leftOpen(sql)));
            }
            return results;
        });
    }

    private Flux<SqliteResult> inTransaction(Transaction t, List<BoundSql> calls) {
        return Flux.defer(() -> {
            boolean begin;
            synchronized (lock) {
                if (t.ended != null) {
                    return Flux.error(t.ended);
                }
                begin = !t.started;
            }
            List<Hrana.Step> steps = new ArrayList<>(calls.size() + 1);
            if (begin) {
                steps.add(new Hrana.Step(t.begin, null, null, false, null));
            }
            for (BoundSql call : calls) {
                steps.add(step(call, steps.isEmpty() ? IN_TRANSACTION
                        : new Hrana.And(List.of(new Hrana.Ok(steps.size() - 1), IN_TRANSACTION))));
            }
            boolean control = transactionControl(calls);
            List<Hrana.Request> pipeline = control
                    ? List.of(new Hrana.BatchRequest(steps), new Hrana.GetAutocommit())
                    : List.of(new Hrana.BatchRequest(steps));
            String sql = sqlOf(calls);
            Exchange exchange = new Exchange();
            // the transaction's state is updated before anyone sees the answer, and whether or not anyone waits
            CompletableFuture<Hrana.Response> request = t.stream.send(pipeline,
                    factory.configuration().requestTimeout(), sql)
                    .whenComplete((response, error) -> settle(t, exchange, begin, calls.size(), response, error));
            Mono<Hrana.Response> answer = answer(request, false)
                    .doOnNext(response -> {
                        synchronized (lock) {
                            exchange.delivered = true;
                        }
                    })
                    .doOnCancel(() -> abandon(t, exchange));
            int offset = begin ? 1 : 0;
            return withStatementTimeout(answer, sql)
                    .flatMapMany(response -> {
                        Hrana.Outcome outcome = response.outcomes().get(0);
                        if (begin && outcome instanceof Hrana.BatchOutcome) {
                            Hrana.StepOutcome first = ((Hrana.BatchOutcome) outcome).steps().get(0);
                            if (first.error() != null) {
                                return Flux.error(statementError(first.error(), t.begin));
                            }
                        }
                        return results(calls, outcome, offset, t);
                    })
                    .onErrorMap(IllegalStateException.class, e -> endedError(t, sql, e));
        });
    }

    /** Updates the transaction from a response (or its failure), whether or not anyone still waits for it. */
    private void settle(Transaction t, Exchange exchange, boolean begin, int calls,
            Hrana.@Nullable Response response, @Nullable Throwable error) {
        boolean abandon;
        boolean endedBySql = false;
        synchronized (lock) {
            exchange.answered = true;
            if (error != null) {
                if (t.ended == null) {
                    t.ended = error instanceof LibsqlStreamExpiredException ? (R2dbcException) error
                            : new R2dbcRollbackException("the transaction is lost: a request of it got no answer ("
                                    + error.getMessage() + "), so the server rolls it back when its stream expires",
                                    null, 0, null, error);
                }
            } else if (response != null && response.outcomes().get(0) instanceof Hrana.BatchOutcome) {
                List<Hrana.StepOutcome> steps = ((Hrana.BatchOutcome) response.outcomes().get(0)).steps();
                int offset = begin ? 1 : 0;
                if (begin && !steps.isEmpty() && steps.get(0).result() != null) {
                    t.started = true;
                }
                for (int i = offset; t.started && i < offset + calls && i < steps.size(); i++) {
                    Hrana.StepOutcome step = steps.get(i);
                    boolean previousOk = i == 0 || steps.get(i - 1).result() != null;
                    if (step.skipped() && previousOk || step.error() != null
                            && "TRANSACTION_TIMEOUT".equals(step.error().code())) {
                        t.ended = new R2dbcRollbackException("the server no longer holds this transaction: it was"
                                + " rolled back (sqld rolls back a write transaction that held the lock for over 5 s"
                                + " while another writer waited); begin it again and retry", "TRANSACTION_TIMEOUT", 0,
                                (String) null);
                        break;
                    }
                }
                if (response.outcomes().size() > 1 && response.outcomes().get(1) instanceof Hrana.AutocommitOutcome
                        && ((Hrana.AutocommitOutcome) response.outcomes().get(1)).autocommit() && t.started
                        && t.ended == null) {
                    // the statement's own COMMIT, END or ROLLBACK ended the transaction
                    endedBySql = true;
                    if (transaction == t) {
                        transaction = null;
                    }
                }
            }
            abandon = exchange.cancelled && t.ended == null && !endedBySql;
            if (abandon) {
                t.ended = cancelled();
            }
        }
        if (abandon || endedBySql) {
            finish(t, "ROLLBACK");
        }
    }

    /**
     * The subscriber of a request of {@code t} left before the answer reached it: its caller cannot know what the
     * statement did, so the transaction is rolled back, now if the answer has come, else by {@link #settle} when
     * it comes (its baton is needed).
     */
    private void abandon(Transaction t, Exchange exchange) {
        synchronized (lock) {
            if (exchange.delivered) {
                return;
            }
            if (!exchange.answered) {
                exchange.cancelled = true;
                return;
            }
            if (t.ended != null || transaction != t) {
                // the server or the statement's own SQL ended it already, and settle closed its stream
                return;
            }
            t.ended = cancelled();
        }
        finish(t, "ROLLBACK");
    }

    private static R2dbcRollbackException cancelled() {
        return new R2dbcRollbackException("the transaction was rolled back because a statement of it was cancelled,"
                + " or ran out of its statement timeout, before its answer came");
    }

    /** Sends {@code sql} (ROLLBACK or COMMIT, run only in a transaction) and the close on the stream; never fails. */
    private Mono<Void> finish(Transaction t, String sql) {
        return answer(end(t, sql), false).onErrorResume(e -> Mono.empty()).then();
    }

    /**
     * Sends {@code sql} (ROLLBACK or COMMIT, run only in a transaction) and the close on the stream, after the
     * stream's earlier requests; {@link #close()} waits for it, so the factory's HTTP client outlives it.
     */
    private CompletableFuture<Hrana.Response> end(Transaction t, String sql) {
        CompletableFuture<Hrana.Response> request = t.stream.send(List.of(
                new Hrana.BatchRequest(List.of(new Hrana.Step(sql, null, null, false, IN_TRANSACTION))),
                new Hrana.Close()), factory.configuration().requestTimeout(), sql);
        endings.add(request);
        request.whenComplete((response, error) -> endings.remove(request));
        return request;
    }

    /**
     * A Mono of {@code request}'s outcome. Cancelling it aborts the request only when {@code abort} is set (a
     * request of a transaction is never aborted: its answer carries the baton); either way what the request
     * later brings, a failure included, is expected and goes nowhere, rather than to Reactor's dropped-error hook
     * as a late error of a cancelled subscriber would.
     */
    private static <T> Mono<T> answer(CompletableFuture<T> request, boolean abort) {
        CompletableFuture<T> view = new CompletableFuture<>();
        request.whenComplete((value, error) -> {
            if (error != null) {
                view.completeExceptionally(error);
            } else {
                view.complete(value);
            }
        });
        if (abort) {
            view.whenComplete((value, error) -> {
                if (view.isCancelled()) {
                    request.cancel(true);
                }
            });
        }
        // cancelling the Mono cancels the view at once; the request's outcome then completes nothing
        return Mono.fromFuture(view);
    }

    private R2dbcException endedError(Transaction t, @Nullable String sql, Throwable cause) {
        synchronized (lock) {
            if (t.ended != null) {
                return t.ended;
            }
        }
        return new R2dbcRollbackException("the server no longer holds this transaction's stream", null, 0, sql, cause);
    }

    private <T> Mono<T> withStatementTimeout(Mono<T> request, @Nullable String sql) {
        Duration timeout = statementTimeout;
        if (timeout.isZero()) {
            return request;
        }
        return request.timeout(timeout, Mono.error(() -> new R2dbcTimeoutException("the statement did not complete"
                + " within the statement timeout of " + timeout, "STATEMENT_TIMEOUT", 0, sql, new TimeoutException())));
    }

    /** The exception for an error the server reported for {@code sql}, with this factory's token masked in it. */
    private R2dbcException statementError(Hrana.Error error, @Nullable String sql) {
        return LibsqlExceptionFactory.statement(error, sql, factory.configuration().authToken());
    }

    /** One result per call, until the first that failed (its error ends the Flux) or did not run. */
    private Flux<SqliteResult> results(List<BoundSql> calls, Hrana.Outcome outcome, int offset,
            @Nullable Transaction t) {
        if (outcome instanceof Hrana.Failed) {
            return Flux.error(statementError(((Hrana.Failed) outcome).error(), sqlOf(calls)));
        }
        if (!(outcome instanceof Hrana.BatchOutcome)) {
            return Flux.error(LibsqlExceptionFactory.protocol("a batch answered with " + outcome, client.url(),
                    sqlOf(calls)));
        }
        List<Hrana.StepOutcome> steps = ((Hrana.BatchOutcome) outcome).steps();
        List<SqliteResult> results = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            BoundSql call = calls.get(i);
            Hrana.StepOutcome step = offset + i < steps.size() ? steps.get(offset + i)
                    : new Hrana.StepOutcome(null, null);
            if (step.error() != null) {
                return Flux.fromIterable(results).concatWith(Flux.error(statementError(step.error(),
                        call.sql())));
            }
            if (step.result() == null) {
                if (t != null) {
                    R2dbcException ended = endedError(t, call.sql(), new IllegalStateException("step skipped"));
                    return Flux.fromIterable(results).concatWith(Flux.error(ended));
                }
                break;
            }
            results.add(result(call, step.result()));
        }
        return Flux.fromIterable(results);
    }

    private static SqliteResult result(BoundSql call, Hrana.StatementResult result) {
        boolean dataChange = call.part().dataChange();
        if (result.columns().isEmpty()) {
            // affected_row_count is SQLite's changes(), which keeps the last INSERT, UPDATE or DELETE's count after DDL
            return SqliteResult.updated(dataChange ? result.affectedRowCount() : 0);
        }
        Object[] first = result.rows().isEmpty() ? null : result.rows().get(0);
        List<SqliteColumnMetadata> columns = new ArrayList<>(result.columns().size());
        for (int i = 0; i < result.columns().size(); i++) {
            Hrana.Column column = result.columns().get(i);
            columns.add(SqliteColumnMetadata.of(column.name() == null ? "" : column.name(), column.declaredType(),
                    Nullability.UNKNOWN, first == null || i >= first.length ? null : first[i]));
        }
        return SqliteResult.rows(new SqliteRowMetadata(columns), Flux.fromIterable(result.rows()), dataChange);
    }

    private static Hrana.Step step(BoundSql call, Hrana.@Nullable Condition condition) {
        Object[] values = call.values();
        if (values.length == 0) {
            return new Hrana.Step(call.sql(), null, null, true, condition);
        }
        if (call.named()) {
            List<Hrana.NamedValue> named = new ArrayList<>(values.length);
            for (Map.Entry<String, Integer> parameter : call.part().names().entrySet()) {
                named.add(new Hrana.NamedValue(parameter.getKey(), values[parameter.getValue()]));
            }
            return new Hrana.Step(call.sql(), null, named, true, condition);
        }
        return new Hrana.Step(call.sql(), Arrays.asList(values), null, true, condition);
    }

    private static boolean transactionControl(List<BoundSql> calls) {
        for (BoundSql call : calls) {
            if (call.part().transactionControl()) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable String sqlOf(List<BoundSql> calls) {
        return calls.size() == 1 ? calls.get(0).sql() : null;
    }

    @Override
    protected R2dbcException closedError() {
        return factory.isClosed() ? LibsqlExceptionFactory.factoryClosed(client.url())
                : LibsqlExceptionFactory.connectionClosed(client.url());
    }

    // ------------------------------------------------------------------ transactions

    /** The active transaction; with auto-commit off and none active, a new one (or, given a definition, always). */
    private @Nullable Transaction transactionFor(@Nullable String begin) {
        synchronized (lock) {
            if (transaction == null && (begin != null || !autoCommit())) {
                transaction = new Transaction(begin != null ? begin : "BEGIN IMMEDIATE", new HranaStream(client));
            }
            return transaction;
        }
    }

    @Override
    public Mono<Void> beginTransaction() {
        return begin("BEGIN IMMEDIATE");
    }

    /**
     * A cold Mono that begins a transaction: nothing is sent until the next statement, which carries
     * {@code BEGIN IMMEDIATE} ({@code BEGIN DEFERRED} for {@link TransactionDefinition#READ_ONLY}, which libSQL's
     * server does not enforce) in its request. Completes at once when a transaction is already active. Only
     * {@link IsolationLevel#SERIALIZABLE} (SQLite's) is supported; {@link TransactionDefinition#LOCK_WAIT_TIMEOUT}
     * is refused: sqld keeps its own busy timeout.
     */
    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        if (definition == null) {
            throw new IllegalArgumentException("definition must not be null");
        }
        return Mono.defer(() -> {
            IsolationLevel level = definition.getAttribute(TransactionDefinition.ISOLATION_LEVEL);
            if (level != null) {
                checkIsolationLevel(level);
            }
            if (definition.getAttribute(TransactionDefinition.LOCK_WAIT_TIMEOUT) != null) {
                return Mono.error(new IllegalArgumentException("a lock wait timeout cannot be set on libSQL: the"
                        + " server keeps its own busy timeout"));
            }
            boolean readOnly = Boolean.TRUE.equals(definition.getAttribute(TransactionDefinition.READ_ONLY));
            return begin(readOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE");
        });
    }

    private Mono<Void> begin(String sql) {
        return Mono.defer(() -> {
            if (isClosed()) {
                return Mono.error(closedError());
            }
            transactionFor(sql);
            return Mono.empty();
        });
    }

    /** Sends {@code COMMIT} and closes the stream in one request; completes at once without a transaction. */
    @Override
    public Mono<Void> commitTransaction() {
        return end(true);
    }

    /** Sends {@code ROLLBACK} and closes the stream in one request; completes at once without a transaction. */
    @Override
    public Mono<Void> rollbackTransaction() {
        return end(false);
    }

    private Mono<Void> end(boolean commit) {
        return Mono.defer(() -> {
            Transaction t;
            R2dbcException ended;
            synchronized (lock) {
                t = transaction;
                if (t == null) {
                    return Mono.empty();
                }
                transaction = null;
                ended = t.ended;
            }
            if (!t.stream.used()) {
                // no statement ran: there is nothing on the server to end
                return Mono.empty();
            }
            if (ended != null) {
                // the server rolled it back already; close the stream if it is still there
                Mono<Void> closing = t.stream.open() ? finish(t, "ROLLBACK") : Mono.empty();
                return commit ? closing.then(Mono.error(ended)) : closing;
            }
            String sql = commit ? "COMMIT" : "ROLLBACK";
            return answer(end(t, sql), false)
                    .flatMap(response -> {
                        Hrana.Outcome outcome = response.outcomes().get(0);
                        if (outcome instanceof Hrana.Failed) {
                            return Mono.error(statementError(((Hrana.Failed) outcome).error(), sql));
                        }
                        Hrana.StepOutcome step = ((Hrana.BatchOutcome) outcome).steps().get(0);
                        if (step.error() != null) {
                            return Mono.error(statementError(step.error(), sql));
                        }
                        boolean started;
                        synchronized (lock) {
                            started = t.started;
                        }
                        if (commit && step.skipped() && started) {
                            return Mono.error(endedError(t, sql, new IllegalStateException("COMMIT skipped")));
                        }
                        return Mono.<Void>empty();
                    })
                    .onErrorResume(IllegalStateException.class, e -> {
                        // nothing was ever sent on the stream, or it is gone (the server rolled it back)
                        boolean started;
                        synchronized (lock) {
                            started = t.started;
                        }
                        return commit && started ? Mono.error(endedError(t, sql, e)) : Mono.empty();
                    })
                    .then();
        });
    }

    /**
     * Creates a savepoint, beginning a transaction first if none is active (so auto-commit is then off):
     * {@code SAVEPOINT "name"}.
     */
    @Override
    public Mono<Void> createSavepoint(String name) {
        String sql = TransactionSql.savepoint(name);
        return Mono.defer(() -> {
            if (isClosed()) {
                return Mono.error(closedError());
            }
            return run(transactionFor("BEGIN IMMEDIATE"), sql);
        });
    }

    /** {@code RELEASE SAVEPOINT "name"}; fails when no transaction is active. */
    @Override
    public Mono<Void> releaseSavepoint(String name) {
        String sql = TransactionSql.releaseSavepoint(name);
        return Mono.defer(() -> run(active(sql), sql));
    }

    /** {@code ROLLBACK TO SAVEPOINT "name"}; the transaction stays active. Fails when none is active. */
    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        String sql = TransactionSql.rollbackToSavepoint(name);
        return Mono.defer(() -> run(active(sql), sql));
    }

    private @Nullable Transaction active(String sql) {
        if (isClosed()) {
            throw closedError();
        }
        synchronized (lock) {
            if (transaction == null) {
                throw TransactionSql.noTransaction(sql);
            }
            return transaction;
        }
    }

    private Mono<Void> run(@Nullable Transaction t, String sql) {
        if (t == null) {
            return Mono.error(new IllegalStateException("no transaction"));
        }
        return inTransaction(t, List.of(BoundSql.of(SqlScript.parse(sql).statements().get(0)))).then();
    }

    /** True when no transaction is active and auto-commit is on (the default for a new connection). */
    @Override
    public boolean isAutoCommit() {
        synchronized (lock) {
            return autoCommit() && transaction == null;
        }
    }

    /**
     * Turning auto-commit on while a transaction is active commits the transaction; with auto-commit off, the next
     * statement begins a transaction (see {@link #beginTransaction()}).
     */
    @Override
    protected Mono<Void> switchAutoCommit(boolean on) {
        autoCommit(on);
        return on ? commitTransaction() : Mono.empty();
    }

    /** Always {@link IsolationLevel#SERIALIZABLE}: SQLite's transactions are serializable. */
    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return IsolationLevel.SERIALIZABLE;
    }

    /** Accepts {@link IsolationLevel#SERIALIZABLE}, the only level of a libSQL server; others fail. */
    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        if (isolationLevel == null) {
            throw new IllegalArgumentException("isolationLevel must not be null");
        }
        return Mono.fromRunnable(() -> checkIsolationLevel(isolationLevel));
    }

    private static void checkIsolationLevel(IsolationLevel level) {
        if (!level.equals(IsolationLevel.SERIALIZABLE)) {
            throw new IllegalArgumentException("libSQL supports the isolation level SERIALIZABLE only, not "
                    + level.asSql());
        }
    }

    /** Fails: sqld refuses {@code PRAGMA busy_timeout} and keeps its own. */
    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        return Mono.error(new UnsupportedOperationException("a lock wait timeout cannot be set on libSQL: the server"
                + " keeps its own busy timeout (sqld refuses PRAGMA busy_timeout)"));
    }

    /**
     * Limits how long a statement waits for its answer before it fails with {@link R2dbcTimeoutException};
     * {@link Duration#ZERO} (the default) leaves only the factory's request timeout. Outside a transaction the
     * request is aborted; inside one, the transaction is rolled back (see the class documentation).
     */
    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        Duration checked = Timeouts.check(timeout, "statement timeout", true);
        return Mono.fromRunnable(() -> statementTimeout = checked);
    }

    // ------------------------------------------------------------------ the rest

    /**
     * Whether the factory is open and the server still holds an active transaction as far as the driver knows (for
     * {@link #validate}, which also checks the connection).
     */
    @Override
    protected boolean usable() {
        if (factory.isClosed()) {
            return false;
        }
        synchronized (lock) {
            return transaction == null || transaction.ended == null;
        }
    }

    /**
     * {@code SELECT 1} on a stream of its own (for {@link #validate} REMOTE): the server is reachable and accepts
     * the token.
     */
    @Override
    protected Mono<Boolean> ping() {
        List<Hrana.Request> ping = List.of(new Hrana.BatchRequest(List.of(new Hrana.Step("SELECT 1", null, null,
                true, null))), new Hrana.Close());
        return Mono.defer(() -> answer(client.send(null, null, ping, factory.configuration().requestTimeout(),
                        "SELECT 1"), true))
                .map(response -> response.outcomes().get(0) instanceof Hrana.BatchOutcome
                        && ((Hrana.BatchOutcome) response.outcomes().get(0)).steps().get(0).result() != null);
    }

    @Override
    public ConnectionMetadata getMetadata() {
        return metadata("libSQL", factory.serverVersion());
    }

    /**
     * A cold Mono that closes the connection: requests outside a transaction that are still running are
     * aborted, and an open transaction is rolled back and its stream closed (one request). Idempotent; never
     * fails.
     */
    @Override
    public Mono<Void> close() {
        return close;
    }

    private Mono<Void> closeNow() {
        markClosed();
        for (CompletableFuture<?> request : List.copyOf(requests)) {
            request.cancel(true);
        }
        // the ROLLBACK or COMMIT of a transaction already detached (a rollback its caller left) goes out first
        return release()
                .then(Mono.defer(() -> Mono.fromFuture(
                        CompletableFuture.allOf(endings.toArray(CompletableFuture[]::new))
                                .handle((ignored, error) -> null))))
                .then()
                .doFinally(signal -> factory.closed(this));
    }

    /**
     * A cold Mono that readies the connection for its next user when a pool such as r2dbc-pool takes it back:
     * an open transaction is rolled back and its stream closed, and auto-commit and the statement timeout are
     * reset.
     */
    @Override
    public Mono<Void> preRelease() {
        return release().then(Mono.fromRunnable(() -> {
            autoCommit(true);
            statementTimeout = Duration.ZERO;
        }));
    }

    /** Rolls back an open transaction and closes its stream; never fails. */
    private Mono<Void> release() {
        return Mono.defer(() -> {
            Transaction t;
            synchronized (lock) {
                t = transaction;
                transaction = null;
            }
            if (t == null || !t.stream.used()) {
                return Mono.empty();
            }
            return finish(t, "ROLLBACK");
        });
    }

    @Override
    public String toString() {
        return "LibsqlConnection{" + client.url() + (isClosed() ? ", closed" : "") + "}";
    }
}
