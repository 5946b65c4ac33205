package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * New, empty PostgreSQL databases for the migration contract and the boot storms, as a JUnit 5 extension: made on the test run's
 * server ({@link PostgresServer}) on demand, reached directly or through a PgBouncer in transaction mode that the
 * extension starts for the test class and stops after it, and each dropped after the test that made it. Register
 * it in a static field with {@code @RegisterExtension}, so that it sees the class begin and end.
 */
public final class PostgresMigrationDatabases implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    private final int poolerServerConnections;
    private final List<PostgresDatabase> made = new CopyOnWriteArrayList<>();
    private @Nullable PostgresInstance server;
    private @Nullable PostgresPooler pooler;

    private PostgresMigrationDatabases(int poolerServerConnections) {
        this.poolerServerConnections = poolerServerConnections;
    }

    /** Databases reached directly on the server. */
    public static PostgresMigrationDatabases direct() {
        return new PostgresMigrationDatabases(0);
    }

    /** Databases reached through a PgBouncer in transaction mode with {@code serverConnections} per database. */
    public static PostgresMigrationDatabases behindPooler(int serverConnections) {
        if (serverConnections < 1) {
            throw new IllegalArgumentException("serverConnections must be > 0, was " + serverConnections);
        }
        return new PostgresMigrationDatabases(serverConnections);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = PostgresServer.shared(context);
        if (poolerServerConnections > 0) {
            pooler = PostgresPooler.start(server, poolerServerConnections);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        made.forEach(PostgresDatabase::close);
        made.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (pooler != null) {
            pooler.close();
            pooler = null;
        }
    }

    /** The server the databases are made on. */
    public PostgresInstance server() {
        if (server == null) {
            throw new IllegalStateException("register PostgresMigrationDatabases in a static @RegisterExtension field");
        }
        return server;
    }

    /** A new, empty database, dropped after the test. */
    public PostgresDatabase database() {
        PostgresDatabase database = server().createDatabase();
        made.add(database);
        return database;
    }

    /** How Minoro reaches {@code database}: directly, or through the pooler. */
    public DatabaseConfig config(PostgresDatabase database) {
        return pooler == null ? database.config() : DatabaseConfig.postgres(pooler.url(database.name()));
    }

    /** Whether a table named {@code table} exists in the schema Minoro's unqualified names resolve to. */
    public static boolean tableExists(DatabaseConfig database, String table) {
        return RawSql.value(database, Long.class, "SELECT COUNT(*) FROM information_schema.tables"
                + " WHERE table_schema = current_schema() AND table_name = $1", table) > 0;
    }
}
