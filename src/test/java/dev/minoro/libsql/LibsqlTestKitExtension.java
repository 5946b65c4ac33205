package dev.minoro.libsql;

import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.TestKitDatabase;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * The database of one R2DBC TCK class of the libSQL driver ({@link TestKitDatabase}): a fresh database on a real sqld
 * from {@link LibsqlServer}, reached by the driver (found with its R2DBC URL) and by JDBC ({@link LibsqlTesting#jdbc});
 * the database's sqld stops after the class's tests.
 */
final class LibsqlTestKitExtension extends TestKitDatabase {

    private @Nullable LibsqlDatabase database;

    private LibsqlTestKitExtension(boolean pooled) {
        super(LibsqlConnectionFactory.class, pooled);
    }

    /** The driver itself, found with its R2DBC URL. */
    static LibsqlTestKitExtension direct() {
        return new LibsqlTestKitExtension(false);
    }

    /** r2dbc-pool's {@code ConnectionPool} over the driver, found through a pool URL. */
    static LibsqlTestKitExtension pooled() {
        return new LibsqlTestKitExtension(true);
    }

    @Override
    protected ConnectionFactory open(boolean pooled) {
        database = LibsqlServer.database();
        String url = database.r2dbcUrl();
        if (pooled) {
            url = url.replace("r2dbc:libsql:", "r2dbc:pool:libsql:");
            return ConnectionFactories.get(url + (url.contains("?") ? "&" : "?") + "initialSize=1&maxSize=4");
        }
        return ConnectionFactories.get(url);
    }

    @Override
    protected JdbcOperations openJdbc() {
        return LibsqlTesting.jdbc(Objects.requireNonNull(database));
    }

    @Override
    protected void remove() {
        if (database != null) {
            database.close();
        }
    }
}
