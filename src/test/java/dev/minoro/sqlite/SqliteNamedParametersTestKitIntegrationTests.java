package dev.minoro.sqlite;

import dev.minoro.testing.SqliteTestKit;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcOperations;

/** The R2DBC SPI TCK against the SQLite driver with named parameters: {@code :p0}, {@code :p1} … bound by name. */
final class SqliteNamedParametersTestKitIntegrationTests implements SqliteTestKit.Named {

    @RegisterExtension
    static final SqliteTestKitExtension DATABASE = SqliteTestKitExtension.direct();

    @Override
    public ConnectionFactory getConnectionFactory() {
        return DATABASE.connectionFactory();
    }

    @Override
    public JdbcOperations getJdbcOperations() {
        return DATABASE.jdbc();
    }
}
