package dev.minoro.libsql;

import dev.minoro.testing.SqliteTestKit;
import dev.minoro.testing.TestKitDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The R2DBC SPI TCK with named parameters ({@code :p0}, {@code :p1} … bound by name), sent to sqld as Hrana
 * {@code named_args}.
 */
final class LibsqlNamedParametersTestKitIntegrationTests implements SqliteTestKit.Named {

    @RegisterExtension
    static final LibsqlTestKitExtension DATABASE = LibsqlTestKitExtension.direct();

    @Override
    public TestKitDatabase database() {
        return DATABASE;
    }
}
