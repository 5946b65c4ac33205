package dev.minoro.libsql;

import dev.minoro.testing.SqliteTestKit;
import dev.minoro.testing.TestKitDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The R2DBC SPI TCK against the libSQL driver and a real sqld, found through {@code ConnectionFactories} with
 * driver {@code libsql}; the TCK's JDBC checks go through DBeaver's libSQL JDBC driver.
 */
final class LibsqlTestKitIntegrationTests implements SqliteTestKit.Positional {

    @RegisterExtension
    static final LibsqlTestKitExtension DATABASE = LibsqlTestKitExtension.direct();

    @Override
    public TestKitDatabase database() {
        return DATABASE;
    }
}
