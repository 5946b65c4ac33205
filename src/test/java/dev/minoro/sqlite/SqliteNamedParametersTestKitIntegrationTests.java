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

/** The R2DBC SPI TCK with named parameters: {@code :p0}, {@code :p1} … bound by name ({@code p0}, …). */
final class SqliteNamedParametersTestKitIntegrationTests implements TestKit<String> {

    @TempDir
    static Path directory;

    private static ConnectionFactory connectionFactory;
    private static JdbcOperations jdbc;

    @BeforeAll
    static void open() {
        Path file = directory.resolve("named-tck.db");
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
        return ":p" + index;
    }

    @Override
    public String getIdentifier(int index) {
        return "p" + index;
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
