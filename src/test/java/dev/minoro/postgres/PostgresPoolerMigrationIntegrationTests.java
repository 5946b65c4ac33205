package dev.minoro.postgres;

import dev.minoro.DatabaseConfig;
import dev.minoro.contract.MigrationContract;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresInstance;
import dev.minoro.testing.PostgresPooler;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration contract behind PgBouncer in transaction mode: booting with migrations, 32 concurrent
 * boots in one JVM and 4 JVMs at once, a JVM killed mid-boot, all through the pooler, where each
 * transaction may land on another server connection.
 */
@ExtendWith(PostgresServer.class)
final class PostgresPoolerMigrationIntegrationTests implements MigrationContract {

    private static PostgresPooler pooler;

    @TempDir
    Path directory;

    private PostgresInstance server;
    private final List<PostgresDatabase> databases = new ArrayList<>();

    @BeforeAll
    static void startPooler(PostgresInstance server) throws Exception {
        pooler = PostgresPooler.start(server, 10);
    }

    @AfterAll
    static void stopPooler() {
        if (pooler != null) {
            pooler.close();
        }
    }

    @BeforeEach
    void server(PostgresInstance server) {
        this.server = server;
    }

    @AfterEach
    void dropDatabases() {
        databases.forEach(PostgresDatabase::close);
    }

    @Override
    public DatabaseConfig freshDatabase() {
        PostgresDatabase database = server.createDatabase();
        databases.add(database);
        return DatabaseConfig.postgres(pooler.url(database.name()));
    }

    @Override
    public boolean tableExists(DatabaseConfig database, String table) {
        return RawSql.value(database, Long.class, "SELECT COUNT(*) FROM information_schema.tables"
                + " WHERE table_schema = current_schema() AND table_name = $1", table) > 0;
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
