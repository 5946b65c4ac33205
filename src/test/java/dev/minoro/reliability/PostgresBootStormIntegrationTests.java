package dev.minoro.reliability;

import dev.minoro.DatabaseConfig;
import dev.minoro.testing.PostgresMigrationDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Boot storms on PostgreSQL, each test on new databases of its own. */
final class PostgresBootStormIntegrationTests implements ProcessBootStormContract {

    @RegisterExtension
    static final PostgresMigrationDatabases DATABASES = PostgresMigrationDatabases.direct();

    @TempDir
    Path directory;

    @Override
    public DatabaseConfig freshDatabase() {
        return DATABASES.config(DATABASES.database());
    }

    @Override
    public Path scratch() {
        return directory;
    }

    @Override
    public String target() {
        return "PostgreSQL";
    }
}
