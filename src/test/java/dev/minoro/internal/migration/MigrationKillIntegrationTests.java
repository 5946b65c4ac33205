package dev.minoro.internal.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.MigrationReport;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresInstance;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.ReliabilityFigures;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Killed mid-migration (issue 9, suite item 2): round after round, a child JVM migrates a database with
 * {@link PacedScripts} (the shipped scripts and four slow ones, all pending in one transaction) and is killed with
 * SIGKILL at a random moment: before it holds the migration lock, while it runs the scripts, or after it
 * committed. After each kill the database holds either all or none of the migration (the ledger matches the
 * tables, each extra table holds all its rows), SQLite's {@code PRAGMA integrity_check} and
 * {@code foreign_key_check} pass, the next migration completes, and a Minoro with the shipped scripts boots on the
 * result and writes. Half the rounds start on a fresh database, half on one at the shipped version.
 *
 * <p>{@code -Dminoro.reliability.killRounds=N} sets the rounds per database (default 4).
 */
@ExtendWith(PostgresServer.class)
final class MigrationKillIntegrationTests {

    private static final int ROUNDS = Integer.getInteger("minoro.reliability.killRounds", 4);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Each of the four paced scripts pauses this long. */
    private static final double PAUSE_SECONDS = 0.25;
    /**
     * Three rounds in four kill the child within this many milliseconds after it holds the migration lock (the four
     * pauses take 1000 ms, so most of those land inside the scripts, a few after the commit); the fourth kills it
     * within this many milliseconds of its start, mostly before it has the lock.
     */
    private static final int KILL_WINDOW_MILLIS = 1400;

    @TempDir
    Path directory;

    /** How one database is inspected. */
    private record Target(String name, String folder, Supplier<DatabaseConfig> fresh, String tableExists,
            String versions) {
    }

    @Test
    void sqliteFilesSurviveKillsAtRandomPointsOfAMigration() throws Exception {
        int[] files = {0};
        Target sqlite = new Target("SQLite file", "sqlite",
                () -> TestConfigs.sqliteFile(directory, "killed-" + ++files[0] + ".db"),
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
                "SELECT group_concat(version, ',') FROM (SELECT version FROM minoro_migrations ORDER BY version)");
        killRounds(sqlite, config -> {
            assertEquals("ok", RawSql.value(config, String.class, "PRAGMA integrity_check"));
            assertEquals(0L, RawSql.value(config, Long.class, "SELECT COUNT(*) FROM pragma_foreign_key_check"));
        });
    }

    @Test
    void postgresDatabasesSurviveKillsAtRandomPointsOfAMigration(PostgresInstance server) throws Exception {
        List<PostgresDatabase> databases = new ArrayList<>();
        Target postgres = new Target("PostgreSQL", "postgres", () -> {
            PostgresDatabase database = server.createDatabase();
            databases.add(database);
            return database.config();
        },
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1",
                "SELECT string_agg(version::text, ',' ORDER BY version) FROM minoro_migrations");
        try {
            killRounds(postgres, config -> {
                // the killed client's transaction is gone: no advisory lock, nothing idle in a transaction
                assertEquals(0L, RawSql.value(config, Long.class, "SELECT COUNT(*) FROM pg_locks WHERE locktype ="
                        + " 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
                assertEquals(0L, RawSql.value(config, Long.class, "SELECT COUNT(*) FROM pg_stat_activity WHERE"
                        + " datname = current_database() AND state LIKE 'idle in transaction%'"));
            });
        } finally {
            databases.forEach(PostgresDatabase::close);
        }
    }

    private interface Check {
        void check(DatabaseConfig config) throws Exception;
    }

    private void killRounds(Target target, Check healthy) throws Exception {
        Map<String, Integer> landed = new TreeMap<>();
        int shipped = MigrationScripts.forFolder(target.folder()).block(TIMEOUT).latestVersion();
        int latest = shipped + PacedScripts.EXTRA;
        for (int round = 0; round < ROUNDS; round++) {
            DatabaseConfig config = target.fresh().get();
            int startVersion = round % 2 == 0 ? 0 : Minoro.migrateDatabase(config).block(TIMEOUT).toVersion();
            for (String statement : PacedScripts.paceTable(target.folder(), PAUSE_SECONDS)) {
                RawSql.execute(config, statement);
            }
            JavaProcess child = JavaProcess.start(KilledMigrationProcess.class,
                    directory.resolve("round-" + round + ".log"), config.type().name(), config.connection());
            child.awaitOutput("started", 300); // minutes only on a machine shared by several builds
            if (round % 4 != 3) {
                child.awaitOutput("locked", 300);
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(KILL_WINDOW_MILLIS));
            child.kill();
            String output = child.output();
            String where = output.contains("migrated") ? "after the commit"
                    : output.contains("locked") ? "holding the lock" : "before the lock";
            landed.merge(where, 1, Integer::sum);

            // all or nothing of the killed migration
            List<Integer> versions = versions(target, config);
            List<Integer> before = IntStream.rangeClosed(1, startVersion).boxed().collect(Collectors.toList());
            List<Integer> after = IntStream.rangeClosed(1, latest).boxed().collect(Collectors.toList());
            assertTrue(versions.equals(before) || versions.equals(after), "round " + round + " (killed " + where
                    + "): the ledger holds " + versions + ", neither " + before + " nor " + after + "\n" + output);
            assertMatchesLedger(target, config, versions, latest);
            if (where.equals("after the commit")) {
                assertEquals(after, versions, output);
            }

            // the next migration completes, and the database is whole
            RawSql.execute(config, "UPDATE reliability_pace SET pause = 0");
            assertEquals(latest, migrate(config, target.folder()).toVersion());
            assertEquals(IntStream.rangeClosed(1, latest).boxed().collect(Collectors.toList()), versions(target, config));
            assertMatchesLedger(target, config, versions(target, config), latest);
            healthy.check(config);
            // and Minoro, with the shipped scripts, boots on it (newer, compatible) and writes
            Minoro minoro = Minoro.create(TestConfigs.fast(config, Clock.systemUTC())).block(TIMEOUT);
            try {
                minoro.users().create(NewUser.of("after-" + round + "@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
                assertEquals(1L, minoro.users().count().block(TIMEOUT));
            } finally {
                minoro.close().block(TIMEOUT);
            }
        }
        ReliabilityFigures.record("2 killed mid-migration", target.name(),
                ROUNDS + " rounds (half fresh, half at the shipped version), SIGKILL at a random moment within "
                        + KILL_WINDOW_MILLIS + " ms of the child taking the migration lock (1 round in 4: of its"
                        + " start), 4 paced scripts of " + PAUSE_SECONDS + " s pause + " + PacedScripts.ROWS
                        + " rows each, all pending scripts in one transaction",
                "kills landed " + landed + "; after every kill all or nothing of the migration, ledger = tables,"
                        + " integrity checks pass, the next migration and boot complete");
    }

    private static List<Integer> versions(Target target, DatabaseConfig config) {
        if (RawSql.value(config, Long.class, target.tableExists(), "minoro_migrations") == 0) {
            return List.of();
        }
        String list = RawSql.value(config, String.class, target.versions());
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        List<Integer> versions = new ArrayList<>();
        for (String version : list.split(",")) {
            versions.add(Integer.valueOf(version));
        }
        return versions;
    }

    /** Each table exists exactly when its version is in the ledger, and each extra table holds all its rows. */
    private static void assertMatchesLedger(Target target, DatabaseConfig config, List<Integer> versions, int latest) {
        assertEquals(versions.contains(1) ? 1L : 0L,
                RawSql.value(config, Long.class, target.tableExists(), "minoro_users"), "minoro_users for " + versions);
        for (int version = latest - PacedScripts.EXTRA + 1; version <= latest; version++) {
            String table = PacedScripts.table(version);
            long exists = RawSql.value(config, Long.class, target.tableExists(), table);
            assertEquals(versions.contains(version) ? 1L : 0L, exists, table + " for ledger " + versions);
            if (exists == 1) {
                assertEquals(Long.valueOf(PacedScripts.ROWS), RawSql.value(config, Long.class,
                        "SELECT COUNT(*) FROM " + table), table);
            }
        }
    }

    private static MigrationReport migrate(DatabaseConfig config, String folder) {
        return Mono.usingWhen(MinoroRuntime.open(config),
                db -> MigrationScripts.forFolder(folder).flatMap(shipped -> new Migrator(db,
                        PacedScripts.of(shipped, folder), db.dialect().migrationLock(), TIMEOUT, Clock.systemUTC())
                        .migrate()),
                Database::close).block(TIMEOUT);
    }
}
