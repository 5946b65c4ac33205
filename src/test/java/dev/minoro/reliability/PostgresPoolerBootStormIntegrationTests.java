package dev.minoro.reliability;

import dev.minoro.DatabaseConfig;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresInstance;
import dev.minoro.testing.PostgresPooler;
import dev.minoro.testing.PostgresServer;
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
 * Boot storms behind PgBouncer in transaction mode with 10 server connections: 64 instances in one JVM, and 8 JVM
 * processes, share them, each transaction (the migration's included) on whichever server connection is free.
 */
@ExtendWith(PostgresServer.class)
final class PostgresPoolerBootStormIntegrationTests implements ProcessBootStormContract {

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
    public Path scratch() {
        return directory;
    }

    @Override
    public String target() {
        return "PgBouncer (transaction mode)";
    }
}
