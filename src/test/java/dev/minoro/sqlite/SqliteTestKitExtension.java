package dev.minoro.sqlite;

import dev.minoro.testing.TestKitDatabase;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.sqlite.SQLiteDataSource;

/**
 * The database of one R2DBC TCK class of the SQLite driver ({@link TestKitDatabase}): a fresh database file in a
 * temporary directory, reached by the driver (found with driver {@code sqlite}) and by sqlite-jdbc; the directory is
 * deleted after the class's tests.
 */
final class SqliteTestKitExtension extends TestKitDatabase {

    private @Nullable Path directory;
    private @Nullable Path file;

    private SqliteTestKitExtension(boolean pooled) {
        super(SqliteConnectionFactory.class, pooled);
    }

    /** The driver itself, found with driver {@code sqlite}. */
    static SqliteTestKitExtension direct() {
        return new SqliteTestKitExtension(false);
    }

    /** r2dbc-pool's {@code ConnectionPool} over the driver, found through a pool URL. */
    static SqliteTestKitExtension pooled() {
        return new SqliteTestKitExtension(true);
    }

    @Override
    protected ConnectionFactory open(boolean pooled) throws IOException {
        directory = Files.createTempDirectory("minoro-tck-");
        file = directory.resolve("tck.db");
        if (pooled) {
            return ConnectionFactories.get("r2dbc:pool:sqlite://" + file + "?initialSize=1&maxSize=4");
        }
        return ConnectionFactories.get(ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "sqlite")
                .option(ConnectionFactoryOptions.DATABASE, file.toString())
                .build());
    }

    @Override
    protected JdbcOperations openJdbc() {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + file);
        return new JdbcTemplate(dataSource);
    }

    @Override
    protected void remove() throws IOException {
        if (directory != null) {
            SqliteTesting.deleteRecursively(directory);
        }
    }
}
