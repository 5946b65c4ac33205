package dev.minoro.reliability;

import dev.minoro.DatabaseConfig;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresInstance;
import dev.minoro.testing.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Boot storms on PostgreSQL, each test on new databases of its own. */
@ExtendWith(PostgresServer.class)
final class PostgresBootStormIntegrationTests implements ProcessBootStormContract {

    @TempDir
    Path directory;

    private PostgresInstance server;
    private final List<PostgresDatabase> databases = new ArrayList<>();

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
        return database.config();
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
