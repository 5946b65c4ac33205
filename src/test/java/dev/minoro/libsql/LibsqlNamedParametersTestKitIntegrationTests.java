package dev.minoro.libsql;

import dev.minoro.testing.SqliteTestKit;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * The R2DBC SPI TCK with named parameters ({@code :p0}, {@code :p1} … bound by name), sent to sqld as Hrana
 * {@code named_args}.
 */
final class LibsqlNamedParametersTestKitIntegrationTests implements SqliteTestKit.Named {

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
