package dev.minoro.internal.migration;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.database.MigrationLock;
import dev.minoro.internal.database.StatementSource;
import dev.minoro.testing.BlockHoundSession;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A child JVM's main that migrates a database with a version 1 script that runs for a long time, and
 * prints {@code locked} once it holds the migration lock: a test kills it mid-script. Arguments:
 * database type, connection, the SQL of a slow statement to append to the script.
 */
public final class SlowMigrationProcess {

    private SlowMigrationProcess() {
    }

    public static void main(String[] args) throws Exception {
        BlockHoundSession.install();
        DatabaseConfig config = DatabaseConfig.of(DatabaseType.valueOf(args[0]), args[1]);
        Database database = MinoroRuntime.open(config).block();
        MigrationScripts real = MigrationScripts.forFolder(database.dialect().migrationFolder()).block();
        MigrationScript first = real.get(1);
        String slowSql = first.sql() + "\n" + args[2];
        MigrationScripts slow = new MigrationScripts(List.of(new MigrationScript(1, first.name(), 1, slowSql,
                Checksums.of(slowSql))), real.ledgerDdl());
        MigrationLock announcing = announcing(database.dialect().migrationLock());
        new Migrator(database, slow, announcing, Duration.ofMinutes(1), Clock.systemUTC()).migrate()
                .block(Duration.ofMinutes(5));
        System.out.println("migrated (the test should have killed this process)");
    }

    /** {@code lock}, printing {@code locked} once it holds the lock (before the migration reads the ledger). */
    static MigrationLock announcing(MigrationLock lock) {
        return new MigrationLock() {
            @Override
            public <R, T> Mono<T> withLock(Database db, Duration timeout, Function<StatementSource, Mono<R>> read,
                    BiFunction<StatementSource, R, Mono<T>> write) {
                return lock.withLock(db, timeout, statements -> {
                    System.out.println("locked");
                    System.out.flush();
                    return read.apply(statements);
                }, write);
            }
        };
    }
}
