package dev.minoro.sqlite.internal;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.Lifecycle;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.ValidationDepth;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the connections of both drivers share: statements and batches built alike, a closed connection refusing
 * them, the steps of {@link #validate} and {@link #setAutoCommit} that do not depend on how a driver reaches its
 * database, and the metadata. Each driver supplies how statements run, how it pings and how it ends a transaction.
 */
public abstract class DriverConnection implements Connection, Lifecycle {

    private final BindingRules rules;
    private volatile boolean closed;
    private volatile boolean autoCommit = true;

    /** @param rules how the driver's statements bind parameters */
    protected DriverConnection(BindingRules rules) {
        this.rules = rules;
    }

    @Override
    public final Statement createStatement(String sql) {
        return new SqliteStatement(sql, rules, this::execute);
    }

    @Override
    public final Batch createBatch() {
        return new SqliteBatch(this::execute);
    }

    private Flux<SqliteResult> execute(List<BoundSql> statements, boolean readOnly, int fetchSize) {
        return Flux.defer(() -> closed
                ? Flux.error(closedError())
                : BoundSql.resolve(statements).flatMapMany(resolved -> run(resolved, readOnly, fetchSize)));
    }

    /**
     * A cold Flux that runs {@code statements}, whose values are resolved already, on an open connection (see
     * {@link SqlRunner#run}).
     */
    protected abstract Flux<SqliteResult> run(List<BoundSql> statements, boolean readOnly, int fetchSize);

    /** Why a statement of this connection cannot run any more: the connection or its factory is closed. */
    protected abstract R2dbcException closedError();

    /** Whether {@link #markClosed()} has run. */
    protected final boolean isClosed() {
        return closed;
    }

    /** From now on statements, {@link #setAutoCommit} and {@link #validate} see the connection closed. */
    protected final void markClosed() {
        closed = true;
    }

    /**
     * LOCAL: whether the connection is open and {@link #usable()}. REMOTE: that, and {@link #ping()} emits true.
     * Emits false rather than an error.
     */
    @Override
    public final Mono<Boolean> validate(ValidationDepth depth) {
        if (depth == null) {
            throw new IllegalArgumentException("depth must not be null");
        }
        return Mono.defer(() -> {
            if (closed || !usable()) {
                return Mono.just(false);
            }
            if (depth == ValidationDepth.LOCAL) {
                return Mono.just(true);
            }
            return ping().onErrorReturn(false).defaultIfEmpty(false);
        });
    }

    /** Whether the connection can still work as far as the driver knows without asking the database. */
    protected abstract boolean usable();

    /** A cold Mono that runs {@code SELECT 1} where the connection's next statement would run. */
    protected abstract Mono<Boolean> ping();

    /**
     * Turns auto-commit on or off (see {@link #switchAutoCommit}); completes at once when it is as asked already,
     * and fails when the connection is closed.
     */
    @Override
    public final Mono<Void> setAutoCommit(boolean autoCommit) {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.error(closedError());
            }
            if (this.autoCommit == autoCommit) {
                return Mono.empty();
            }
            return switchAutoCommit(autoCommit);
        });
    }

    /**
     * A cold Mono that changes the auto-commit mode, which differs from {@code on}, through
     * {@link #autoCommit(boolean)}, and ends a transaction where the driver's semantics say so.
     */
    protected abstract Mono<Void> switchAutoCommit(boolean on);

    /** The auto-commit mode as set, whether or not a transaction is active. */
    protected final boolean autoCommit() {
        return autoCommit;
    }

    /** Sets the auto-commit mode, without ending any transaction. */
    protected final void autoCommit(boolean on) {
        autoCommit = on;
    }

    /** Nothing to do: a new connection is ready as it is. */
    @Override
    public final Mono<Void> postAllocate() {
        return Mono.empty();
    }

    /** The product and version of a database, as {@link #getMetadata()} reports them. */
    protected static ConnectionMetadata metadata(String product, String version) {
        return new Metadata(product, version);
    }

    private record Metadata(String getDatabaseProductName, String getDatabaseVersion) implements ConnectionMetadata {
    }
}
