package dev.minoro.sqlite;

import dev.minoro.testing.PooledTestKit;
import dev.minoro.testing.SqliteTestKit;
import dev.minoro.testing.TestKitDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The R2DBC SPI TCK again, through r2dbc-pool's {@code ConnectionPool} over the SQLite driver (a pool URL). */
final class SqlitePooledTestKitIntegrationTests implements SqliteTestKit.Positional, PooledTestKit<Integer> {

    @RegisterExtension
    static final SqliteTestKitExtension DATABASE = SqliteTestKitExtension.pooled();

    @Override
    public TestKitDatabase database() {
        return DATABASE;
    }
}
