package dev.minoro.sqlite;

import dev.minoro.testing.SqliteTestKit;
import dev.minoro.testing.TestKitDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The R2DBC SPI TCK against the SQLite driver with named parameters: {@code :p0}, {@code :p1} … bound by name. */
final class SqliteNamedParametersTestKitIntegrationTests implements SqliteTestKit.Named {

    @RegisterExtension
    static final SqliteTestKitExtension DATABASE = SqliteTestKitExtension.direct();

    @Override
    public TestKitDatabase database() {
        return DATABASE;
    }
}
