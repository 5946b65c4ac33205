package dev.minoro.reliability;

import dev.minoro.DatabaseConfig;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** Boot storms on SQLite files. */
final class SqliteBootStormIntegrationTests implements ProcessBootStormContract {

    @TempDir
    Path directory;

    private final AtomicInteger databases = new AtomicInteger();

    @Override
    public DatabaseConfig freshDatabase() {
        return TestConfigs.sqliteFile(directory, "storm-" + databases.incrementAndGet() + ".db");
    }

    @Override
    public Path scratch() {
        return directory;
    }

    @Override
    public String target() {
        return "SQLite file";
    }
}
