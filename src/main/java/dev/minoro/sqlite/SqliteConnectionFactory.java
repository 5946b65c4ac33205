package dev.minoro.sqlite;

import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * An R2DBC connection factory over sqlite-jdbc, for one database file (or one in-memory database). It owns
 * the lanes (JDBC connections, each on a worker of the factory's scheduler) that its connections use; see
 * the package documentation for the thread model. Close it when done: {@link #close()} ends its threads.
 *
 * <p>Creating the factory does no I/O. The first {@link #create()} opens the first lane and applies the
 * pragmas, so a path that cannot be opened fails there, naming the path.
 */
public final class SqliteConnectionFactory implements ConnectionFactory, Closeable {

    private static final ConnectionFactoryMetadata METADATA = () -> "SQLite";

    private final SqliteConnectionConfiguration configuration;
    private final Lanes lanes;
    private final SqliteMetrics metrics;
    private final Mono<Void> close;
    private volatile boolean closed;
    private volatile boolean opened;

    public SqliteConnectionFactory(SqliteConnectionConfiguration configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration must not be null");
        this.lanes = new Lanes(configuration);
        this.metrics = lanes.metrics();
        this.close = Mono.defer(() -> {
            closed = true;
            return lanes.close();
        }).cache();
    }

    /**
     * A cold Mono that emits a new connection. The connection is logical and cheap: it leases a lane only
     * while a statement runs (or, in a transaction, until commit or rollback). The first subscription
     * opens the first lane on the factory's scheduler; later ones do no I/O.
     *
     * <p>Fails with {@link io.r2dbc.spi.R2dbcNonTransientResourceException} when the factory is closed or
     * the database cannot be opened (the message names the path), with SQLite's extended result code.
     */
    @Override
    public Mono<Connection> create() {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.error(SqliteExceptionFactory.factoryClosed(configuration.database()));
            }
            if (opened) {
                return Mono.just((Connection) new SqliteConnection(this));
            }
            // open (or reopen after a failure) the first lane, so that a bad path fails here
            LockWait wait = new LockWait(configuration.busyTimeout());
            Mono<Lease> first = configuration.readOnly()
                    ? lanes.reader(wait, "the opening of the database")
                    : lanes.writer(wait, "the opening of the database");
            return Mono.usingWhen(first, lease -> Mono.empty(), Lease::release)
                    .then(Mono.fromSupplier(() -> {
                        opened = true;
                        return (Connection) new SqliteConnection(this);
                    }));
        });
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return METADATA;
    }

    /**
     * A cold Mono that closes the factory: later {@link #create()}s and statements fail with a clear error,
     * a running statement is interrupted, every lane's JDBC connection is closed on its own worker and an
     * owned scheduler is disposed. It completes when the scheduler's threads have ended. Idempotent.
     */
    @Override
    public Mono<Void> close() {
        return close;
    }

    public SqliteConnectionConfiguration configuration() {
        return configuration;
    }

    /**
     * What the factory's lanes are doing: leased, idle and open lanes and waiting calls, for the writer lane and
     * the reader lanes (counts, see {@link SqliteMetrics}). A live view, the same object on every call, safe to
     * read from any thread; reading it does no I/O and never blocks.
     */
    public SqliteMetrics metrics() {
        return metrics;
    }

    Lanes lanes() {
        return lanes;
    }

    boolean isClosed() {
        return closed;
    }

    String database() {
        return configuration.database();
    }

    @Nullable String sqliteVersion() {
        return lanes.sqliteVersion();
    }

    @Override
    public String toString() {
        return "SqliteConnectionFactory{" + configuration.database() + (closed ? ", closed" : "") + "}";
    }
}
