package dev.minoro.internal.migration;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.BlockHoundSession;
import java.time.Clock;
import java.time.Duration;

/**
 * A child JVM's main that migrates a database with {@link PacedScripts}, printing {@code started}, {@code locked}
 * once it holds the migration lock and {@code migrated} when done: a test kills it at a random moment. Arguments:
 * database type, connection.
 */
public final class KilledMigrationProcess {

    private KilledMigrationProcess() {
    }

    public static void main(String[] args) throws Exception {
        BlockHoundSession.install();
        System.out.println("started");
        System.out.flush();
        DatabaseConfig config = DatabaseConfig.of(DatabaseType.valueOf(args[0]), args[1]);
        if (config.type() == DatabaseType.POSTGRES) {
            // a cold JVM's first connection may take long on a machine shared by several builds
            config = config.withAcquireTimeout(Duration.ofMinutes(3));
        }
        Database database = MinoroRuntime.open(config).block();
        String folder = database.dialect().migrationFolder();
        MigrationScripts scripts = PacedScripts.of(MigrationScripts.forFolder(folder).block(), folder);
        new Migrator(database, scripts, SlowMigrationProcess.announcing(database.dialect().migrationLock()),
                Duration.ofMinutes(1), Clock.systemUTC()).migrate().block(Duration.ofMinutes(5));
        System.out.println("migrated");
        System.out.flush();
        database.close().block(Duration.ofMinutes(1));
    }
}
