package dev.minoro.internal.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.MigrationException;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The migrator on PostgreSQL with scripts of the test's own: PostgreSQL's transactional DDL takes a
 * failed or killed migration back completely.
 */
@Tag(PostgresServer.BOTH_MAJORS)
@ExtendWith(PostgresServer.class)
final class MigratorPostgresIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /**
     * Runs long enough to be killed in the middle of. A killed client's backend notices only when the
     * statement ends, and holds the migration's transaction until then, so it is kept short.
     */
    static final String SLOW_POSTGRES = "SELECT pg_sleep(4);";

    @TempDir
    Path directory;

    private static MigrationScripts withExtra(MigrationScripts real, String name, String sql) {
        List<MigrationScript> scripts = new ArrayList<>(real.all());
        scripts.add(new MigrationScript(scripts.size() + 1, name, 1, sql, Checksums.of(sql)));
        return new MigrationScripts(scripts, real.ledgerDdl());
    }

    private static Mono<?> migrate(DatabaseConfig config, MigrationScripts scripts) {
        return Mono.usingWhen(MinoroRuntime.open(config),
                db -> new Migrator(db, scripts, db.dialect().migrationLock(), TIMEOUT, Clock.systemUTC()).migrate(),
                Database::close);
    }

    private static long tables(DatabaseConfig config, String name) {
        return RawSql.value(config, Long.class, "SELECT COUNT(*) FROM pg_tables WHERE tablename = $1", name);
    }

    @Test
    void aFailingScriptLeavesNoTrace(PostgresDatabase db) {
        DatabaseConfig config = db.config();
        MigrationScripts real = MigrationScripts.forFolder("postgres").block(TIMEOUT);
        MigrationScripts broken = withExtra(real, "broken",
                "CREATE TABLE half_done (x integer);\nINSERT INTO no_such_table VALUES (1);\n");

        migrate(config, broken).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(MigrationException.class, e);
                    assertTrue(e.getMessage().startsWith("migration " + (real.latestVersion() + 1) + " (broken) failed on the PostgreSQL database '"
                            + db.name() + "'"), e.getMessage());
                    assertTrue(e.getMessage().contains("and was rolled back: "), e.getMessage());
                    assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
                })
                .verify(TIMEOUT);
        // One transaction: the ledger, the shipped versions and the broken one's first statement are all gone.
        assertEquals(0L, tables(config, "minoro_migrations"));
        assertEquals(0L, tables(config, "minoro_users"));
        assertEquals(0L, tables(config, "half_done"));

        // On a database at the shipped version, the failure leaves it there.
        migrate(config, real).block(TIMEOUT);
        migrate(config, broken).as(StepVerifier::create).expectError(MigrationException.class).verify(TIMEOUT);
        assertEquals(0L, tables(config, "half_done"));
        assertEquals((long) real.latestVersion(), RawSql.value(config, Long.class, "SELECT MAX(version) FROM minoro_migrations"));
        assertEquals(0L, RawSql.value(config, Long.class,
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"), "the lock went with the transaction");
    }

    @Test
    void aJvmKilledInTheMiddleOfAScriptLeavesNoTraceAndTheNextBootCompletes(PostgresDatabase db) throws Exception {
        DatabaseConfig config = db.config();
        JavaProcess process = JavaProcess.start(SlowMigrationProcess.class, directory.resolve("slow.log"),
                "POSTGRES", config.connection(), SLOW_POSTGRES);
        process.awaitOutput("locked", 60);
        // Inside the slow statement, after the schema's CREATE TABLEs: wait until the server sleeps in it.
        try {
            awaitSleeping(db);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the child printed:\n" + process.output() + "\nactivity: "
                    + db.queryStrings("SELECT string_agg(coalesce(application_name,'') || '/' || coalesce(state,'') || '/'"
                    + " || left(query, 60), ' | ') FROM pg_stat_activity"), e);
        }
        process.kill();
        assertEquals(0L, tables(config, "minoro_users"), "the killed transaction is not visible");

        MigrationScripts real = MigrationScripts.forFolder("postgres").block(TIMEOUT);
        // The orphaned transaction holds the lock until its statement ends; then this boot takes over.
        migrate(config, real).block(TIMEOUT);
        assertEquals(1L, tables(config, "minoro_users"));
        assertEquals((long) real.latestVersion(), RawSql.value(config, Long.class,
                "SELECT COUNT(*) FROM minoro_migrations"));
    }

    private static void awaitSleeping(PostgresDatabase db) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // pg_stat_activity.query is cut at track_activity_query_size: look at what the backend waits for.
        while (db.queryStrings("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND application_name = 'minoro' AND wait_event = 'PgSleep'").equals(List.of("0"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the migration never reached its pg_sleep");
            }
            // The child's progress is visible only in the server: poll it.
            Thread.sleep(20);
        }
    }
}
