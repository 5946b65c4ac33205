package dev.minoro.internal.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.MigrationException;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The migrator on SQLite with scripts of the test's own: failures and kills mid-script. */
final class MigratorSqliteIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Counts to a large number: long enough to be killed in the middle of. */
    static final String SLOW_SQLITE = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
            + " WHERE x < 2000000000) SELECT count(*) FROM c;";

    @TempDir
    Path directory;

    private static MigrationScripts withExtra(MigrationScripts real, String name, String sql) {
        List<MigrationScript> scripts = new ArrayList<>(real.all());
        scripts.add(new MigrationScript(scripts.size() + 1, name, 1, sql, Checksums.of(sql)));
        return new MigrationScripts(scripts, real.ledgerDdl());
    }

    private static <T> T withMigrator(DatabaseConfig config, MigrationScripts scripts,
            java.util.function.Function<Migrator, Mono<T>> work) {
        return Mono.usingWhen(MinoroRuntime.open(config),
                db -> work.apply(new Migrator(db, scripts, db.dialect().migrationLock(), TIMEOUT, Clock.systemUTC())),
                Database::close).block(TIMEOUT);
    }

    private static long tables(DatabaseConfig config, String name) {
        return RawSql.value(config, Long.class, "SELECT COUNT(*) FROM sqlite_master WHERE name = $1", name);
    }

    @Test
    void aFailingScriptIsRolledBackWithEverythingElseOfItsRun() {
        DatabaseConfig config = TestConfigs.sqliteFile(directory, "failing.db");
        MigrationScripts real = MigrationScripts.forFolder("sqlite").block(TIMEOUT);
        MigrationScripts broken = withExtra(real, "broken",
                "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n");

        Mono.usingWhen(MinoroRuntime.open(config),
                db -> new Migrator(db, broken, db.dialect().migrationLock(), TIMEOUT, Clock.systemUTC()).migrate(),
                Database::close)
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(MigrationException.class, e);
                    assertTrue(e.getMessage().startsWith("migration " + (real.latestVersion() + 1) + " (broken) failed on the SQLite file "),
                            e.getMessage());
                    assertTrue(e.getMessage().contains("and was rolled back: "), e.getMessage());
                })
                .verify(TIMEOUT);
        // One transaction: the ledger, the shipped versions and the broken one's first statement are all gone.
        assertEquals(0L, tables(config, "minoro_migrations"));
        assertEquals(0L, tables(config, "minoro_users"));
        assertEquals(0L, tables(config, "half_done"));

        // On a database at the shipped version, the failure leaves it there.
        assertEquals(real.latestVersion(), withMigrator(config, real, Migrator::migrate).toVersion());
        Mono.usingWhen(MinoroRuntime.open(config),
                db -> new Migrator(db, broken, db.dialect().migrationLock(), TIMEOUT, Clock.systemUTC()).migrate(),
                Database::close)
                .as(StepVerifier::create).expectError(MigrationException.class).verify(TIMEOUT);
        assertEquals(0L, tables(config, "half_done"));
        assertEquals((long) real.latestVersion(), RawSql.value(config, Long.class, "SELECT MAX(version) FROM minoro_migrations"));
    }

    @Test
    void aJvmKilledInTheMiddleOfAScriptLeavesNoTraceAndTheNextBootCompletes() throws Exception {
        DatabaseConfig config = TestConfigs.sqliteFile(directory, "killed.db");
        JavaProcess process = JavaProcess.start(SlowMigrationProcess.class, directory.resolve("slow.log"),
                "SQLITE", config.connection(), SLOW_SQLITE);
        process.awaitOutput("locked", 60);
        // A fixed delay, as the point is to kill at an arbitrary moment inside the transaction: the slow statement
        // runs for minutes and nothing outside the child shows where its script has got to (SQLite writes nothing
        // visible before COMMIT); 500 ms places the kill after the schema's CREATE TABLEs, in the slow statement.
        Thread.sleep(500);
        process.kill();
        assertEquals(0L, tables(config, "minoro_users"), "the killed transaction left nothing behind");
        assertEquals(0L, tables(config, "minoro_migrations"));

        MigrationScripts real = MigrationScripts.forFolder("sqlite").block(TIMEOUT);
        assertEquals(real.latestVersion(), withMigrator(config, real, Migrator::migrate).toVersion());
        assertEquals(1L, tables(config, "minoro_users"));
    }
}
