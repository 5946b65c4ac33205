package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.sqlite.internal.EveryError;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One database as Minoro uses it: an R2DBC {@link ConnectionFactory} (Minoro's SQLite driver, or
 * r2dbc-postgresql behind r2dbc-pool), its {@link Dialect}, and what closing it releases. The migrator
 * and the repositories are written once against this.
 */
public final class Database {

    private final ConnectionFactory connections;
    private final Dialect dialect;
    private final String description;
    private final Supplier<Publisher<Void>> closer;
    private final @Nullable PoolMetrics poolMetrics;
    private final @Nullable DirectStatements direct;

    private Database(ConnectionFactory connections, Dialect dialect, String description,
            Supplier<Publisher<Void>> closer, @Nullable PoolMetrics poolMetrics, @Nullable DirectStatements direct) {
        this.connections = connections;
        this.dialect = dialect;
        this.description = description;
        this.closer = closer;
        this.poolMetrics = poolMetrics;
        this.direct = direct;
    }

    /**
     * A cold {@code Mono} of the database that {@code opening} opens (a {@link ConnectionTarget}'s open or
     * openToRead), its connections passed through {@code config}'s connection-factory customizer. Its connection
     * factory connects lazily, so opening connects to nothing. Configuration errors are signalled here. Opening
     * runs on Reactor's bounded-elastic scheduler, since it may read files (a PostgreSQL {@code sslrootcert}, the
     * SQLite driver's classes and native library the first time).
     */
    public static Mono<Database> open(DatabaseConfig config, Callable<Database> opening) {
        return EveryError.fromCallable(opening)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(opened -> EveryError.fromCallable(() -> opened.customizedBy(
                                config.connectionFactoryCustomizer()))
                        .onErrorResume(e -> opened.close().onErrorResume(closing -> Mono.empty())
                                .then(EveryError.<Database>error(e))));
    }

    /**
     * This database with its connections from what {@code customizer} makes of its factory; closing it closes
     * this one, then that when it is another R2DBC {@link Closeable}: a pool's connections still lent out fail
     * at once and come back before the pool is disposed.
     *
     * @throws ConfigurationException when {@code customizer} throws or returns null
     */
    private Database customizedBy(UnaryOperator<ConnectionFactory> customizer) {
        ConnectionFactory customized;
        try {
            customized = customizer.apply(connections);
        } catch (RuntimeException e) {
            throw new ConfigurationException("connectionFactoryCustomizer threw " + e.getClass().getName(), e);
        }
        if (customized == null) {
            throw new ConfigurationException("connectionFactoryCustomizer returned null instead of a"
                    + " ConnectionFactory");
        }
        if (customized == connections) {
            return this;
        }
        Supplier<Publisher<Void>> closeAll = customized instanceof Closeable
                ? () -> Flux.concatDelayError(closer.get(), ((Closeable) customized).close())
                : closer;
        // statements then go through the customized factory, which may observe or change them
        return new Database(customized, dialect, description, closeAll, poolMetrics, null);
    }

    /**
     * A database over the given parts, for the openers of each type.
     *
     * @param description what messages call the database; must not contain a password
     * @param closer      what {@link #close()} subscribes to
     */
    static Database of(ConnectionFactory connections, Dialect dialect, String description,
            Supplier<Publisher<Void>> closer) {
        return new Database(connections, dialect, description, closer, null, null);
    }

    /** This database, whose connections come from a pool that {@code poolMetrics} describes. */
    Database withPoolMetrics(@Nullable PoolMetrics poolMetrics) {
        return new Database(connections, dialect, description, closer, poolMetrics, direct);
    }

    /**
     * This database, whose driver runs single auto-commit statements through {@code direct} at less cost than
     * through a connection of {@link #connections()}; a connection-factory customizer turns it off, so that a
     * customized factory sees every statement.
     */
    Database withDirectStatements(DirectStatements direct) {
        return new Database(connections, dialect, description, closer, poolMetrics, direct);
    }

    /**
     * What runs a single auto-commit statement below the R2DBC {@code Connection}, or null when statements go
     * through a connection of {@link #connections()}.
     */
    public @Nullable DirectStatements direct() {
        return direct;
    }

    /** The gauges of Minoro's own connection pool (PostgreSQL's r2dbc-pool), or empty when there is none. */
    public Optional<PoolMetrics> poolMetrics() {
        return Optional.ofNullable(poolMetrics);
    }

    public ConnectionFactory connections() {
        return connections;
    }

    public Dialect dialect() {
        return dialect;
    }

    public DatabaseType type() {
        return dialect.type();
    }

    /** What messages call the database, such as {@code SQLite file /var/lib/app/auth.db}. */
    public String description() {
        return description;
    }

    /**
     * Runs {@code work} on a connection of its own and closes the connection when the work completes,
     * fails or is cancelled. Errors are translated by the dialect, saying what Minoro was {@code doing}; once
     * cancelled, it signals no error ({@link AfterCancel}).
     */
    public <T> Mono<T> withConnection(String doing, Function<Connection, ? extends Mono<T>> work) {
        return AfterCancel.quiet(Mono.usingWhen(ConnectionHandOver.of(connections.create()), work, Connection::close,
                        (c, e) -> c.close(), Connection::close)
                .onErrorMap(e -> dialect.translate(e, doing)));
    }

    /** {@link #withConnection} for work that emits many values. */
    public <T> Flux<T> withConnectionMany(String doing, Function<Connection, ? extends Publisher<T>> work) {
        return AfterCancel.quiet(Flux.usingWhen(ConnectionHandOver.of(connections.create()), work, Connection::close,
                        (c, e) -> c.close(), Connection::close)
                .onErrorMap(e -> dialect.translate(e, doing)));
    }

    /**
     * Runs {@code work} in a transaction on a connection of its own: committed when the work completes,
     * rolled back when it fails or is cancelled. The connection is closed (returned to its pool) only
     * once the commit or rollback is done: a pooled connection handed on before its rollback would
     * have the next user's transaction ended by it. Once cancelled, it signals no error, not even that of a
     * commit or rollback already under way that then fails ({@link AfterCancel}).
     */
    public <T> Mono<T> inTransaction(String doing, Function<Connection, ? extends Mono<T>> work) {
        return AfterCancel.quiet(Mono.usingWhen(ConnectionHandOver.of(connections.create()),
                        c -> Mono.from(c.beginTransaction()).then(Mono.defer(() -> work.apply(c))),
                        c -> endThenClose(c, c.commitTransaction()),
                        (c, e) -> endThenClose(c, dialect.rollbackWhateverIsOpen(c)),
                        c -> endThenClose(c, dialect.rollbackWhateverIsOpen(c)))
                .onErrorMap(e -> dialect.translate(e, doing)));
    }

    /** Ends the transaction, then closes the connection, whether or not the end succeeded. */
    private static Mono<Void> endThenClose(Connection connection, Publisher<Void> end) {
        return Mono.from(end)
                .onErrorResume(e -> Mono.from(connection.close()).then(EveryError.<Void>error(e)))
                .then(Mono.defer(() -> Mono.from(connection.close())));
    }

    /** A cold {@code Mono} that releases every connection and thread of the database. */
    public Mono<Void> close() {
        return Mono.defer(() -> Mono.from(closer.get()));
    }

    @Override
    public String toString() {
        return description;
    }
}
