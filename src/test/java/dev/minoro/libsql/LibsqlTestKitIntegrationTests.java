package dev.minoro.libsql;

import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.test.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcOperations;
import reactor.core.publisher.Mono;

/**
 * The R2DBC SPI TCK against the libSQL driver and a real sqld, found through {@code ConnectionFactories} with
 * driver {@code libsql}; the TCK's JDBC checks go through DBeaver's libSQL JDBC driver.
 */
@ExtendWith(LibsqlServer.class)
final class LibsqlTestKitIntegrationTests implements TestKit<Integer> {

    private static ConnectionFactory connectionFactory;
    private static JdbcOperations jdbc;

    @BeforeAll
    static void open(LibsqlDatabase database) {
        connectionFactory = ConnectionFactories.get(database.r2dbcUrl());
        jdbc = LibsqlTesting.jdbc(database);
    }

    @AfterAll
    static void close() {
        Mono.from(((LibsqlConnectionFactory) connectionFactory).close()).block(LibsqlTesting.TIMEOUT);
    }

    @Override
    public ConnectionFactory getConnectionFactory() {
        return connectionFactory;
    }

    @Override
    public String getPlaceholder(int index) {
        return "?" + (index + 1);
    }

    @Override
    public Integer getIdentifier(int index) {
        return index;
    }

    @Override
    public JdbcOperations getJdbcOperations() {
        return jdbc;
    }

    @Override
    public String doGetSql(TestStatement statement) {
        return LibsqlTesting.testKitSql(statement);
    }
}
