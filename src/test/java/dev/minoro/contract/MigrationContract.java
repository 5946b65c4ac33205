package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.AppliedMigration;
import dev.minoro.ChecksumMismatchException;
import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.MigrationException;
import dev.minoro.MigrationReport;
import dev.minoro.MigrationStatus;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.PendingMigration;
import dev.minoro.SchemaNotMigratedException;
import dev.minoro.SchemaTooNewException;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.BootProcess;
import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.StatementRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The contract of migrations on boot and of the ledger, for every database. */
public interface MigrationContract extends MigrationFixture, SchemaUpgradeContract {

    String HEAD_QUERY = "SELECT version, checksum, compatible_from FROM minoro_migrations ORDER BY version DESC LIMIT 1";

    private static MinoroConfig config(DatabaseConfig database) {
        return MinoroConfig.builder().database(database).argon2(64, 1, 1).build();
    }

    private static void boot(DatabaseConfig database) {
        Minoro.create(config(database)).flatMap(Minoro::close).block(TIMEOUT);
    }

    /** What messages call {@code database}, such as {@code SQLite file /tmp/x.db}. */
    private static String description(DatabaseConfig database) {
        return Mono.usingWhen(MinoroRuntime.open(database), db -> Mono.just(db.description()), Database::close)
                .block(TIMEOUT);
    }

    @Test
    default void aFreshDatabaseIsMigratedOnceAndRecordedInTheLedger() {
        DatabaseConfig database = freshDatabase();
        MigrationReport report = Minoro.migrateDatabase(database).block(TIMEOUT);
        assertEquals(0, report.fromVersion());
        assertEquals(LATEST, report.toVersion());
        assertEquals(IntStream.rangeClosed(1, LATEST).boxed().toList(),
                report.applied().stream().map(AppliedMigration::version).toList());
        assertEquals("create_schema", report.applied().get(0).name());
        for (String table : List.of("minoro_migrations", "minoro_users", "minoro_roles", "minoro_user_roles",
                "minoro_role_permissions", "minoro_sessions", "minoro_session_attributes")) {
            assertTrue(tableExists(database, table), table);
        }

        Minoro.migrateDatabase(database).as(StepVerifier::create)
                .expectNext(new MigrationReport(LATEST, LATEST, List.of())).verifyComplete();

        MigrationStatus status = Minoro.migrationStatus(database).block(TIMEOUT);
        assertEquals(LATEST, status.currentVersion());
        assertEquals(LATEST, status.latestVersion());
        assertTrue(status.upToDate());
        AppliedMigration row = status.applied().get(0);
        assertEquals(report.applied().get(0).checksum(), row.checksum());
        assertTrue(row.checksum().matches("sha256:[0-9a-f]{64}"), row.checksum());
        assertEquals(1, row.compatibleFrom());
        assertTrue(row.appliedBy().startsWith("minoro 0.1.0 on "), row.appliedBy());
        assertEquals((long) LATEST, RawSql.value(database, Long.class, "SELECT COUNT(*) FROM minoro_migrations"));
    }

    @Test
    default void bootingAnUpToDateDatabaseRunsExactlyTheOneLedgerStatement() {
        DatabaseConfig database = freshDatabase();
        boot(database);
        StatementRecorder recorder = new StatementRecorder();
        Minoro minoro = Minoro.create(config(database.withConnectionFactoryCustomizer(recorder::wrap))).block(TIMEOUT);
        try {
            assertEquals(List.of(HEAD_QUERY), recorder.statements());
            assertEquals(List.of(), recorder.transactions(), "no lock, no transaction");
        } finally {
            minoro.close().block(TIMEOUT);
        }
    }

    @Test
    default void withMigrationsOffAnEmptyDatabaseIsRefusedAndLeftEmpty() {
        DatabaseConfig database = freshDatabase().withRunMigrations(false);
        String where = description(database);
        Minoro.create(config(database)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(SchemaNotMigratedException.class, e);
                    assertEquals(0, ((SchemaNotMigratedException) e).currentVersion());
                    assertEquals(IntStream.rangeClosed(1, LATEST).boxed().toList(),
                            ((SchemaNotMigratedException) e).pendingVersions());
                    assertEquals("the database schema is at version 0 (" + where + ") and"
                            + " migrations " + IntStream.rangeClosed(1, LATEST).mapToObj(Integer::toString)
                                    .collect(Collectors.joining(", ")) + " are pending, but runMigrations is false; run"
                            + " Minoro.migrateDatabase(database).block() (for example from your deployment script)"
                            + " or enable runMigrations", e.getMessage());
                })
                .verify(TIMEOUT);
        assertFalse(tableExists(database, "minoro_migrations"));
        assertFalse(tableExists(database, "minoro_users"));

        // The deployment script migrates; then the functions boot without migrating.
        Minoro.migrateDatabase(database).block(TIMEOUT);
        Minoro.create(config(database)).flatMap(m -> m.users().count().flatMap(n -> m.close().thenReturn(n)))
                .as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    default void aTamperedChecksumIsRefused() {
        DatabaseConfig database = freshDatabase();
        boot(database);
        // The head: an up-to-date boot reads only the head's row (the migration and the status read every row).
        RawSql.execute(database, "UPDATE minoro_migrations SET checksum = $1 WHERE version = $2", "sha256:tampered",
                LATEST);
        for (Mono<?> call : List.of(Minoro.create(config(database)), Minoro.migrateDatabase(database),
                Minoro.migrationStatus(database))) {
            call.as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(ChecksumMismatchException.class, e);
                        assertEquals(LATEST, ((ChecksumMismatchException) e).version());
                        assertEquals("sha256:tampered", ((ChecksumMismatchException) e).actualChecksum());
                    })
                    .verify(TIMEOUT);
        }
    }

    /**
     * Issue 9.4: the status said {@code upToDate=true} for a schema that was newer and incompatible, while every
     * boot failed with {@link SchemaTooNewException}; the status, the boot and the migration now fail alike,
     * with a message that names the database.
     */
    @Test
    default void aNewerIncompatibleSchemaIsRefusedAndACompatibleOneRuns() {
        DatabaseConfig database = freshDatabase();
        boot(database);
        RawSql.execute(database, "INSERT INTO minoro_migrations (version, name, checksum, compatible_from,"
                + " applied_at, execution_ms, applied_by) VALUES ($1, 'future', 'sha256:future', $1, 0, 0, 'test')",
                FUTURE);
        String where = description(database);
        String expected = "the database schema is at version " + FUTURE + " (" + where + "), but this version"
                + " of Minoro knows up to " + LATEST + ", and version " + FUTURE + " runs only with code from schema"
                + " version " + FUTURE + " on; upgrade"
                + " Minoro to the version that migrated this database";
        for (Mono<?> call : List.of(Minoro.create(config(database)), Minoro.migrateDatabase(database),
                Minoro.migrationStatus(database))) {
            call.as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        SchemaTooNewException tooNew = assertInstanceOf(SchemaTooNewException.class, e);
                        assertEquals(FUTURE, tooNew.databaseVersion());
                        assertEquals(LATEST, tooNew.codeVersion());
                        assertEquals(FUTURE, tooNew.compatibleFrom());
                        assertEquals(where, tooNew.database());
                        assertEquals(expected, e.getMessage());
                    })
                    .verify(TIMEOUT);
        }

        RawSql.execute(database, "UPDATE minoro_migrations SET compatible_from = 1 WHERE version = $1", FUTURE);
        boot(database);
        Minoro.migrateDatabase(database).as(StepVerifier::create)
                .expectNext(new MigrationReport(FUTURE, FUTURE, List.of())).verifyComplete();
        MigrationStatus status = Minoro.migrationStatus(database).block(TIMEOUT);
        assertEquals(FUTURE, status.currentVersion());
        assertEquals(LATEST, status.latestVersion());
        assertTrue(status.upToDate());
    }

    /**
     * Every answer of the status, checked against what a boot without migrations does with the same ledger:
     * up to date means it boots, pending means it asks for exactly those migrations, and a failure is the
     * boot's failure.
     */
    @Test
    default void theStatusAgreesWithWhatABootDoes() {
        List<String> states = List.of("missing ledger", "up to date", "newer and compatible", "newer and incompatible",
                "checksum changed");
        for (String state : states) {
            DatabaseConfig database = freshDatabase();
            if (!state.equals("missing ledger")) {
                boot(database);
            }
            switch (state) {
                case "newer and compatible":
                case "newer and incompatible":
                    RawSql.execute(database, "INSERT INTO minoro_migrations (version, name, checksum, compatible_from,"
                            + " applied_at, execution_ms, applied_by) VALUES ($1, 'future', 'sha256:future', $2, 0, 0,"
                            + " 'test')", FUTURE, state.equals("newer and compatible") ? 1 : FUTURE);
                    break;
                case "checksum changed":
                    RawSql.execute(database, "UPDATE minoro_migrations SET checksum = 'sha256:changed'");
                    break;
                default:
                    break;
            }
            Object status = Minoro.migrationStatus(database).map(Object.class::cast).onErrorResume(Mono::just)
                    .block(TIMEOUT);
            Object boot = Minoro.create(config(database.withRunMigrations(false)))
                    .flatMap(minoro -> minoro.close().thenReturn((Object) "booted"))
                    .onErrorResume(Mono::just)
                    .block(TIMEOUT);
            if (status instanceof MigrationStatus && ((MigrationStatus) status).upToDate()) {
                assertEquals("booted", boot, state);
            } else if (status instanceof MigrationStatus) {
                SchemaNotMigratedException behind = assertInstanceOf(SchemaNotMigratedException.class, boot, state);
                assertEquals(((MigrationStatus) status).pending().stream().map(PendingMigration::version).toList(),
                        behind.pendingVersions(), state);
                assertEquals(((MigrationStatus) status).currentVersion(), behind.currentVersion(), state);
            } else {
                assertInstanceOf(MigrationException.class, status, state);
                assertEquals(status.getClass(), boot.getClass(), state + ": " + status + " / " + boot);
            }
            assertEquals(switch (state) {
                case "missing ledger" -> "pending";
                case "up to date", "newer and compatible" -> "up to date";
                case "newer and incompatible" -> SchemaTooNewException.class.getSimpleName();
                default -> ChecksumMismatchException.class.getSimpleName();
            }, status instanceof MigrationStatus ? (((MigrationStatus) status).upToDate() ? "up to date" : "pending")
                    : status.getClass().getSimpleName(), state);
        }
    }

    @Test
    default void aLedgerWithAGapIsReported() {
        DatabaseConfig database = freshDatabase();
        boot(database);
        RawSql.execute(database, "INSERT INTO minoro_migrations (version, name, checksum, compatible_from,"
                + " applied_at, execution_ms, applied_by) VALUES ($1, 'future', 'sha256:future', 1, 0, 0, 'test')",
                LATEST + 2);
        String held = IntStream.rangeClosed(1, LATEST).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        Minoro.migrationStatus(database).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(MigrationException.class, e);
                    assertTrue(e.getMessage().contains("is not a sequence 1, 2, 3 …: it holds versions [" + held + ", "
                            + (LATEST + 2) + "]"),
                            e.getMessage());
                })
                .verify(TIMEOUT);
    }

    @Test
    default void statusOfAnEmptyDatabaseListsEverythingAsPendingAndWritesNothing() {
        DatabaseConfig database = freshDatabase();
        MigrationStatus status = Minoro.migrationStatus(database).block(TIMEOUT);
        assertEquals(0, status.currentVersion());
        assertEquals(LATEST, status.latestVersion());
        assertFalse(status.upToDate());
        assertEquals(LATEST, status.pending().size());
        assertEquals("create_schema", status.pending().get(0).name());
        assertFalse(tableExists(database, "minoro_migrations"));
    }

    @Test
    default void nothingHappensBeforeSubscription() {
        DatabaseConfig database = freshDatabase();
        Mono<Minoro> create = Minoro.create(config(database));
        Mono<MigrationReport> migrate = Minoro.migrateDatabase(database);
        assertFalse(tableExists(database, "minoro_migrations"));
        migrate.as(StepVerifier::create).expectNextCount(1).verifyComplete();
        create.flatMap(Minoro::close).as(StepVerifier::create).verifyComplete();
    }

    @Test
    default void theSetupIsCalledOncePerSubscription() {
        DatabaseConfig database = freshDatabase();
        AtomicInteger calls = new AtomicInteger();
        Mono<Minoro> create = Minoro.create(() -> Mono.fromCallable(() -> {
            calls.incrementAndGet();
            return config(database);
        }));
        assertEquals(0, calls.get());
        create.flatMap(Minoro::close).block(TIMEOUT);
        create.flatMap(Minoro::close).block(TIMEOUT);
        assertEquals(2, calls.get());
        Minoro.create(() -> Flux.<MinoroConfig>empty()).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(ConfigurationException.class, e);
                    assertEquals("the setup completed without emitting a MinoroConfig", e.getMessage());
                })
                .verify(TIMEOUT);
    }

    @Test
    default void concurrentBootsInOneJvmApplyEachScriptOnce() {
        DatabaseConfig database = freshDatabase();
        List<Minoro> instances = Flux.range(0, concurrentBoots())
                .flatMap(i -> Minoro.create(config(database)), concurrentBoots())
                .collectList()
                .block(TIMEOUT);
        try {
            assertEquals(concurrentBoots(), instances.size());
            for (Minoro minoro : instances) {
                minoro.users().count().as(StepVerifier::create).expectNext(0L).verifyComplete();
            }
            assertEquals((long) LATEST, RawSql.value(database, Long.class, "SELECT COUNT(*) FROM minoro_migrations"));
        } finally {
            Flux.fromIterable(instances).flatMap(Minoro::close).blockLast(TIMEOUT);
        }
    }

    /** How many instances {@link #concurrentBootsInOneJvmApplyEachScriptOnce} boots at once. */
    int concurrentBoots();

    @Test
    default void concurrentBootsInSeparateJvmsApplyEachScriptOnce() throws Exception {
        DatabaseConfig database = freshDatabase();
        Path go = scratch().resolve("go-" + System.nanoTime());
        List<JavaProcess> processes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            processes.add(JavaProcess.start(BootProcess.class, scratch().resolve("boot-" + i + ".log"),
                    database.type().name(), database.connection(), go.toString()));
        }
        for (JavaProcess process : processes) {
            process.awaitOutput("started", 300); // minutes only on a machine shared by several builds
        }
        Files.createFile(go);
        for (JavaProcess process : processes) {
            assertEquals(0, process.waitFor(120), process.output());
            assertTrue(process.output().contains("ready users=0"), process.output());
        }
        assertEquals((long) LATEST, RawSql.value(database, Long.class, "SELECT COUNT(*) FROM minoro_migrations"));
    }

    @Test
    default void aJvmKilledWhileBootingLeavesADatabaseTheNextBootCompletes() throws Exception {
        DatabaseConfig database = freshDatabase();
        Path go = scratch().resolve("go-now");
        Files.createFile(go);
        // Kill boots at increasing moments: before, during and after the migration's transaction.
        for (int i = 0; i < 6; i++) {
            JavaProcess process = JavaProcess.start(BootProcess.class, scratch().resolve("killed-" + i + ".log"),
                    database.type().name(), database.connection(), go.toString());
            process.awaitOutput("started", 300); // minutes only on a machine shared by several builds
            Thread.sleep(150L * i);
            process.kill();
        }
        boot(database);
        MigrationStatus status = Minoro.migrationStatus(database).block(TIMEOUT);
        assertEquals(LATEST, status.currentVersion());
        assertEquals(LATEST, status.applied().size());
        assertTrue(tableExists(database, "minoro_role_permissions"));
    }
}
