package dev.minoro.libsql;

import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.JdbcOperations;
import reactor.core.publisher.Mono;

/**
 * The database of one R2DBC TCK class of the libSQL driver, as a JUnit 5 extension registered on a static field:
 * a fresh database on a real sqld from {@link LibsqlServer}, the connection factory the TCK runs against (found
 * through {@code ConnectionFactories}, so the driver's provider is part of the run), and JDBC on the same database
 * for the TCK's fixtures ({@link LibsqlTesting#jdbc}). It opens them before the class's tests and closes them, and
 * stops the database's sqld, after.
 */
final class LibsqlTestKitExtension implements BeforeAllCallback, AfterAllCallback {

    private final boolean pooled;
    private @Nullable LibsqlDatabase database;
    private @Nullable LibsqlConnectionFactory driver;
    private @Nullable ConnectionPool pool;
    private @Nullable JdbcOperations jdbc;

    private LibsqlTestKitExtension(boolean pooled) {
        this.pooled = pooled;
    }

    /** The driver itself, found with its R2DBC URL. */
    static LibsqlTestKitExtension direct() {
        return new LibsqlTestKitExtension(false);
    }

    /** r2dbc-pool's {@link ConnectionPool} over the driver, found through a pool URL. */
    static LibsqlTestKitExtension pooled() {
        return new LibsqlTestKitExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database = LibsqlServer.database();
        String url = database.r2dbcUrl();
        if (pooled) {
            url = url.replace("r2dbc:libsql:", "r2dbc:pool:libsql:");
            pool = (ConnectionPool) ConnectionFactories.get(url + (url.contains("?") ? "&" : "?")
                    + "initialSize=1&maxSize=4");
            driver = (LibsqlConnectionFactory) pool.unwrap();
        } else {
            driver = (LibsqlConnectionFactory) ConnectionFactories.get(url);
        }
        jdbc = LibsqlTesting.jdbc(database);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            Mono.justOrEmpty(pool).flatMap(ConnectionPool::disposeLater)
                    .then(Mono.justOrEmpty(driver).flatMap(LibsqlConnectionFactory::close))
                    .block(LibsqlTesting.TIMEOUT);
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    /** The connection factory the TCK runs against: the pool, or the driver. */
    ConnectionFactory connectionFactory() {
        return pool != null ? pool : opened(driver);
    }

    /** JDBC on the same database. */
    JdbcOperations jdbc() {
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
