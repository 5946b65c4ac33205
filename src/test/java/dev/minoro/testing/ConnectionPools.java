package dev.minoro.testing;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;

/** The r2dbc-pool behind a connection factory, for tests that read its metrics (acquired, pending). */
public final class ConnectionPools {

    private ConnectionPools() {
    }

    /**
     * {@code factory} itself when it is a {@link ConnectionPool}, else the pool it wraps ({@link Wrapped}), as the
     * factory that Minoro's PostgreSQL opening hands to a connection-factory customizer does.
     *
     * @throws IllegalArgumentException when there is no pool behind it
     */
    public static ConnectionPool of(ConnectionFactory factory) {
        if (factory instanceof ConnectionPool pool) {
            return pool;
        }
        if (factory instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionPool pool) {
            return pool;
        }
        throw new IllegalArgumentException("no r2dbc-pool ConnectionPool behind " + factory);
    }
}
