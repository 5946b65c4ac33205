package dev.minoro.sqlite;

import dev.minoro.testing.PooledTestKit;
import dev.minoro.testing.SqliteTestKit;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcOperations;

/** The R2DBC SPI TCK again, through r2dbc-pool's {@code ConnectionPool} over the SQLite driver (a pool URL). */
final class SqlitePooledTestKitIntegrationTests implements SqliteTestKit.Positional, PooledTestKit<Integer> {

    @RegisterExtension
    static final SqliteTestKitExtension DATABASE = SqliteTestKitExtension.pooled();

    @Override
    public ConnectionFactory getConnectionFactory() {
        return DATABASE.connectionFactory();
    }

    @Override
    public JdbcOperations getJdbcOperations() {
        return DATABASE.jdbc();
    }
}
