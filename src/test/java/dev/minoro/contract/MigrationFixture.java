package dev.minoro.contract;

import dev.minoro.DatabaseConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the migration contract needs from a database: new, empty databases on demand, and a look at
 * which tables exist. Each database's test class implements this and {@link MigrationContract}.
 */
public interface MigrationFixture {

    Duration TIMEOUT = Duration.ofSeconds(60);

    /** The newest schema version Minoro ships, read from its manifest. */
    int LATEST = ShippedMigrations.latestVersion();

    /** A version newer than any Minoro ships, for ledgers that pretend to come from future code. */
    int FUTURE = LATEST + 1;

    /** A new, empty database, different on each call. */
    DatabaseConfig freshDatabase();

    /** Whether a table named {@code table} exists where Minoro keeps its tables in {@code database}. */
    boolean tableExists(DatabaseConfig database, String table);

    /** A directory for files the test makes (child process output, start signals). */
    Path scratch();
}
