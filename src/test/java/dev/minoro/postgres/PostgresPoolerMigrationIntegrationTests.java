package dev.minoro.postgres;

import dev.minoro.DatabaseConfig;
import dev.minoro.contract.MigrationContract;
import dev.minoro.testing.PostgresMigrationDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration contract behind PgBouncer in transaction mode: booting with migrations, 32 concurrent
 * boots in one JVM and 4 JVMs at once, a JVM killed mid-boot, all through the pooler, where each
 * transaction may land on another server connection.
 */
final class PostgresPoolerMigrationIntegrationTests implements MigrationContract {

    @RegisterExtension
    static final PostgresMigrationDatabases DATABASES = PostgresMigrationDatabases.behindPooler(10);

    @TempDir
    Path directory;

    @Override
    public DatabaseConfig freshDatabase() {
        return DATABASES.config(DATABASES.database());
    }

    @Override
    public boolean tableExists(DatabaseConfig database, String table) {
        return PostgresMigrationDatabases.tableExists(database, table);
    }

    @Override
    public Path scratch() {
        return directory;
    }

    @Override
    public int concurrentBoots() {
        return 32;
    }
}
