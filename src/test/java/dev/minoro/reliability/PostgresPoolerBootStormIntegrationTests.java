package dev.minoro.reliability;

import dev.minoro.DatabaseConfig;
import dev.minoro.testing.PostgresMigrationDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boot storms behind PgBouncer in transaction mode with 10 server connections: 64 instances in one JVM, and 8 JVM
 * processes, share them, each transaction (the migration's included) on whichever server connection is free.
 */
final class PostgresPoolerBootStormIntegrationTests implements ProcessBootStormContract {

    @RegisterExtension
    static final PostgresMigrationDatabases DATABASES = PostgresMigrationDatabases.behindPooler(10);

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
        return "PgBouncer (transaction mode)";
    }
}
