package dev.minoro.libsql;

import dev.minoro.testing.SqliteTestKit;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * The R2DBC SPI TCK against the libSQL driver and a real sqld, found through {@code ConnectionFactories} with
 * driver {@code libsql}; the TCK's JDBC checks go through DBeaver's libSQL JDBC driver.
 */
final class LibsqlTestKitIntegrationTests implements SqliteTestKit.Positional {

    @RegisterExtension
    static final LibsqlTestKitExtension DATABASE = LibsqlTestKitExtension.direct();

    @Override
    public ConnectionFactory getConnectionFactory() {
        return DATABASE.connectionFactory();
    }

    @Override
    public JdbcOperations getJdbcOperations() {
        return DATABASE.jdbc();
    }
}
