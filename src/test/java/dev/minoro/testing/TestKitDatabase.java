package dev.minoro.testing;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.JdbcOperations;
import reactor.core.publisher.Mono;

/**
 * The database of one R2DBC TCK class ({@link SqliteTestKit}), as a JUnit 5 extension registered on a static field:
 * a fresh database, the connection factory the TCK runs against (the driver, or r2dbc-pool's {@link ConnectionPool}
 * over it, found through {@code ConnectionFactories} so that the driver's provider is part of the run), and JDBC on the
 * same database for the TCK's fixtures. It opens them before the class's tests; after them it disposes the pool,
 * closes the driver and removes the database. A driver's subclass says how to open and remove its database.
 */
public abstract class TestKitDatabase implements BeforeAllCallback, AfterAllCallback {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Class<? extends ConnectionFactory> driverType;
    private final boolean pooled;
    private @Nullable ConnectionFactory driver;
    private @Nullable ConnectionPool pool;
    private @Nullable JdbcOperations jdbc;

    /**
     * @param driverType the driver's connection factory, which {@link #open} must find (under the pool, if any)
     * @param pooled     whether the TCK runs against a pool over the driver rather than the driver itself
     */
    protected TestKitDatabase(Class<? extends ConnectionFactory> driverType, boolean pooled) {
        this.driverType = driverType;
        this.pooled = pooled;
    }

    /**
     * Makes a fresh database and finds its connection factory through {@code ConnectionFactories}: a pool URL
     * ({@code r2dbc:pool:…}) with {@code initialSize=1&maxSize=4} when {@code pooled}, else the driver.
     */
    protected abstract ConnectionFactory open(boolean pooled) throws Exception;

    /** JDBC on the database {@link #open} made. */
    protected abstract JdbcOperations openJdbc() throws Exception;

    /** Removes the database {@link #open} made, once the driver is closed. */
    protected abstract void remove() throws Exception;

    @Override
    public final void beforeAll(ExtensionContext context) throws Exception {
        ConnectionFactory opened = open(pooled);
        if (pooled) {
            pool = (ConnectionPool) opened;
            driver = driverType.cast(pool.unwrap());
        } else {
            driver = driverType.cast(opened);
        }
        jdbc = openJdbc();
    }

    @Override
    public final void afterAll(ExtensionContext context) throws Exception {
        try {
            Mono.justOrEmpty(pool).flatMap(ConnectionPool::disposeLater)
                    .then(Mono.justOrEmpty(driver).ofType(Closeable.class).flatMap(d -> Mono.from(d.close())))
                    .block(TIMEOUT);
        } finally {
            remove();
        }
    }

    /** The connection factory the TCK runs against: the pool, or the driver. */
    public final ConnectionFactory connectionFactory() {
        return pool != null ? pool : opened(driver);
    }

    /** JDBC on the same database. */
    public final JdbcOperations jdbc() {
        return opened(jdbc);
    }

    private static <T> T opened(@Nullable T value) {
        if (value == null) {
            throw new IllegalStateException("the TCK's database opens before the class's tests: register the"
                    + " extension on a static field");
        }
        return value;
    }
}
