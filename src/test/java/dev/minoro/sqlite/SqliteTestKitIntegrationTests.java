package dev.minoro.sqlite;

import dev.minoro.testing.SqliteTestKit;
import dev.minoro.testing.TestKitDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The R2DBC SPI TCK against the SQLite driver, found through {@code ConnectionFactories} with driver
 * {@code sqlite}, on a database file that the TCK also reaches through JDBC.
 */
final class SqliteTestKitIntegrationTests implements SqliteTestKit.Positional {

    @RegisterExtension
    static final SqliteTestKitExtension DATABASE = SqliteTestKitExtension.direct();

    @Override
    public TestKitDatabase database() {
        return DATABASE;
    }
}
