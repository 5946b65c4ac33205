package dev.minoro.libsql;

import dev.minoro.testing.PooledTestKit;
import dev.minoro.testing.SqliteTestKit;
import dev.minoro.testing.TestKitDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The R2DBC SPI TCK again, through r2dbc-pool's {@code ConnectionPool} over the libSQL driver (a pool URL). */
final class LibsqlPooledTestKitIntegrationTests implements SqliteTestKit.Positional, PooledTestKit<Integer> {

    @RegisterExtension
    static final LibsqlTestKitExtension DATABASE = LibsqlTestKitExtension.pooled();

    @Override
    public TestKitDatabase database() {
        return DATABASE;
    }
}
