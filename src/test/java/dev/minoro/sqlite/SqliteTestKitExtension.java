package dev.minoro.sqlite;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.sqlite.SQLiteDataSource;
import reactor.core.publisher.Mono;

/**
 * The database of one R2DBC TCK class of the SQLite driver, as a JUnit 5 extension registered on a static field:
 * a fresh database file in a temporary directory, the connection factory the TCK runs against (found through
 * {@code ConnectionFactories}, so the driver's provider is part of the run), and JDBC on the same file for the
 * TCK's fixtures. It opens them before the class's tests and closes them and deletes the directory after.
 */
final class SqliteTestKitExtension implements BeforeAllCallback, AfterAllCallback {

    private final boolean pooled;
    private @Nullable Path directory;
    private @Nullable SqliteConnectionFactory driver;
    private @Nullable ConnectionPool pool;
    private @Nullable JdbcOperations jdbc;

    private SqliteTestKitExtension(boolean pooled) {
        this.pooled = pooled;
    }

    /** The driver itself, found with driver {@code sqlite}. */
    static SqliteTestKitExtension direct() {
        return new SqliteTestKitExtension(false);
    }

    /** r2dbc-pool's {@link ConnectionPool} over the driver, found through a pool URL. */
    static SqliteTestKitExtension pooled() {
        return new SqliteTestKitExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        directory = Files.createTempDirectory("minoro-tck-");
        Path file = directory.resolve("tck.db");
        if (pooled) {
            pool = (ConnectionPool) ConnectionFactories.get("r2dbc:pool:sqlite://" + file + "?initialSize=1&maxSize=4");
            driver = (SqliteConnectionFactory) pool.unwrap();
        } else {
            driver = (SqliteConnectionFactory) ConnectionFactories.get(ConnectionFactoryOptions.builder()
                    .option(ConnectionFactoryOptions.DRIVER, "sqlite")
                    .option(ConnectionFactoryOptions.DATABASE, file.toString())
                    .build());
        }
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + file);
        jdbc = new JdbcTemplate(dataSource);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            Mono.justOrEmpty(pool).flatMap(ConnectionPool::disposeLater)
                    .then(Mono.justOrEmpty(driver).flatMap(SqliteTesting::close))
                    .block(SqliteTesting.TIMEOUT);
        } finally {
            if (directory != null) {
                try (Stream<Path> files = Files.walk(directory)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> {
                        try {
                            Files.delete(path);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        }
    }

    /** The connection factory the TCK runs against: the pool, or the driver. */
    ConnectionFactory connectionFactory() {
        return pool != null ? pool : opened(driver);
    }

    /** JDBC on the same database file. */
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
