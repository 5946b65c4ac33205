package dev.minoro.sqlite;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.test.TestKit;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.sqlite.SQLiteDataSource;
import reactor.core.publisher.Mono;

/**
 * The R2DBC SPI TCK against the SQLite driver, found through {@code ConnectionFactories} with driver
 * {@code sqlite}, on a database file that the TCK also reaches through JDBC.
 */
final class SqliteTestKitIntegrationTests implements TestKit<Integer> {

    @TempDir
    static Path directory;

    private static ConnectionFactory connectionFactory;
    private static JdbcOperations jdbc;

    @BeforeAll
    static void open() {
        Path file = directory.resolve("tck.db");
        connectionFactory = ConnectionFactories.get(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "sqlite")
                .option(ConnectionFactoryOptions.DATABASE, file.toString())
                .build());
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + file);
        jdbc = new JdbcTemplate(dataSource);
    }

    @AfterAll
    static void close() {
        Mono.from(((SqliteConnectionFactory) connectionFactory).close()).block();
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
        return SqliteTesting.testKitSql(statement);
    }
}
