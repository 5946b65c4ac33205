package dev.minoro.libsql;

import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An R2DBC connection factory for a remote libSQL database (sqld, or Turso), over Hrana 3 on HTTP
 * ({@code POST /v3/pipeline}, JSON) with the JDK's asynchronous {@link java.net.http.HttpClient}: no thread
 * waits for the server. See {@link LibsqlConnection} for how statements and transactions map to Hrana streams.
 *
 * <p>Creating the factory does no I/O, and neither does {@link #create()}: the first statement is the first
 * request, so an unreachable server, a refused token or a missing database fail there, within the connect
 * timeout (TCP connection and TLS handshake) or the request timeout (the answer). Close the factory when done:
 * {@link #close()} rolls back the transactions of its open connections and ends its HTTP threads.
 *
 * <h2>Thread model</h2>
 * The driver does no blocking work, so it has no lanes and no scheduler for it: each statement is an HTTP
 * request sent asynchronously, and no thread waits for the answer. The factories of a process share one
 * {@code HttpClient} per connect timeout and protocol (HTTP/2 over TLS, HTTP/1.1 in cleartext), with its pool of
 * open HTTP connections; it runs its work and completes each answer on an executor of daemon threads named
 * {@code minoro-libsql-N-M}: made on demand, as many as answers being handled at the same moment (no fixed
 * count), each ended after 30 s idle, all shut down once the last factory sharing them is closed
 * ({@link #close()}); the client's own selector thread (a daemon) goes with the client. Rows, results and completion
 * signals are emitted on those threads, so subscribers and row mapping functions must not block them. Connections are
 * logical: one outside a transaction holds nothing between requests, and one in a transaction holds a Hrana stream on
 * the server (its baton), not a thread, so any number of connections can be open and run at once; the server serialises
 * their writes.
 */
public final class LibsqlConnectionFactory implements ConnectionFactory, Closeable {

    private static final ConnectionFactoryMetadata METADATA = () -> "libSQL";

    private final LibsqlConnectionConfiguration configuration;
    private final HranaClient client;
    private final Set<LibsqlConnection> connections = ConcurrentHashMap.newKeySet();
    private final Mono<Void> close;
    private volatile boolean closed;

    /**
     * A factory for the server that {@code configuration} names; it connects to nothing until a connection is created.
     *
     * @param configuration the server, token and timeouts
     */
    public LibsqlConnectionFactory(LibsqlConnectionConfiguration configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration must not be null");
        this.client = new HranaClient(configuration);
        this.close = Mono.defer(() -> {
            closed = true;
            return Flux.fromIterable(List.copyOf(connections))
                    .flatMap(LibsqlConnection::close)
                    .then(Mono.<Void>fromRunnable(client::close));
        }).cache();
    }

    /**
     * A cold Mono that emits a new connection at once: it does no I/O. Fails with
     * {@link io.r2dbc.spi.R2dbcNonTransientResourceException} when the factory is closed.
     */
    @Override
    public Mono<Connection> create() {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.error(LibsqlExceptionFactory.factoryClosed(configuration.url()));
            }
            LibsqlConnection connection = new LibsqlConnection(this, client);
            connections.add(connection);
            if (closed) {
                connections.remove(connection);
                return Mono.error(LibsqlExceptionFactory.factoryClosed(configuration.url()));
            }
            return Mono.just(connection);
        });
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return METADATA;
    }

    /**
     * A cold Mono that closes the factory: later {@link #create()}s fail, each open connection is closed (its
     * requests outside a transaction aborted, its transaction rolled back and its stream closed, one request
     * each), and the shared HTTP client is released: once no open factory shares it, the executor of its
     * completions is shut down, so its threads end once idle. The
     * JDK 17 {@code HttpClient} has no {@code close()}: its selector thread, a daemon, and its idle connections
     * go when the client is garbage collected. Idempotent; never fails.
     */
    @Override
    public Mono<Void> close() {
        return close;
    }

    /** {@return the configuration this factory was made with} */
    public LibsqlConnectionConfiguration configuration() {
        return configuration;
    }

    boolean isClosed() {
        return closed;
    }

    /** A connection closed: the factory no longer needs to close it. */
    void closed(LibsqlConnection connection) {
        connections.remove(connection);
    }

    /** The server's version: not known to the driver, which asks the server nothing beyond what it is told to run. */
    String serverVersion() {
        return "unknown";
    }

    @Override
    public String toString() {
        return "LibsqlConnectionFactory{" + configuration.url() + (closed ? ", closed" : "") + "}";
    }
}
