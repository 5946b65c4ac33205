package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MigrationStatus;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migration contract on SQLite files, and what is SQLite's own. */
final class SqliteMigrationIntegrationTests implements SqliteSqlMigrationContract {

    @TempDir
    Path directory;

    private final AtomicInteger databases = new AtomicInteger();

    @Override
    public DatabaseConfig freshDatabase() {
        return TestConfigs.sqliteFile(directory, "migrations-" + databases.incrementAndGet() + ".db");
    }

    @Override
    public Path scratch() {
        return directory;
    }

    @Test
    void theStatusOfAMissingFileDoesNotCreateIt() {
        DatabaseConfig database = freshDatabase();
        Path file = Path.of(database.connection().substring("file:".length()));
        MigrationStatus status = Minoro.migrationStatus(database).block(TIMEOUT);
        assertEquals(0, status.currentVersion());
        assertEquals(LATEST, status.pending().size());
        assertFalse(Files.exists(file), "reading the status must not create the database");
    }

    @Test
    void anInMemoryDatabaseIsMigratedPerInstance() {
        DatabaseConfig memory = DatabaseConfig.sqlite(":memory:");
        for (int i = 0; i < 2; i++) {
            Minoro minoro = Minoro.create(dev.minoro.MinoroConfig.of(memory)).block(TIMEOUT);
            assertEquals(0L, minoro.users().count().block(TIMEOUT));
            minoro.close().block(TIMEOUT);
        }
        assertEquals(LATEST, Minoro.migrateDatabase(DatabaseConfig.sqlite("file::memory:")).block(TIMEOUT).toVersion());
        assertEquals(0, Minoro.migrationStatus(memory).block(TIMEOUT).currentVersion());
    }
}
