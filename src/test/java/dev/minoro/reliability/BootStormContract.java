package dev.minoro.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.ReliabilityFigures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Boot storms (issue 9, suite item 1): many instances boot on one database at once in one JVM, first on a fresh
 * database (one of them migrates, the others wait for it) and then on the up-to-date one (the fast path). Every boot
 * ends ready, the ledger holds each script once, and the time until every instance was ready goes to
 * RELIABILITY.md. {@link ProcessBootStormContract} adds the same in separate JVM processes.
 */
interface BootStormContract {

    Duration TIMEOUT = Duration.ofMinutes(3);

    /** Instances booted at once in this JVM. */
    int IN_JVM = 64;

    /** A new, empty database, different on each call. */
    DatabaseConfig freshDatabase();

    /** A directory for child process output and start signals. */
    Path scratch();

    /** The target's name in RELIABILITY.md: "SQLite file", "PostgreSQL", "PgBouncer (transaction mode)". */
    String target();

    private static MinoroConfig config(DatabaseConfig database) {
        return MinoroConfig.builder().database(database).argon2(64, 1, 1).build();
    }

    /** The ledger as text, applied_at included: the same text before and after a boot means nothing was applied. */
    static String ledger(DatabaseConfig database) {
        long rows = RawSql.value(database, Long.class, "SELECT COUNT(*) FROM minoro_migrations");
        long versions = RawSql.value(database, Long.class, "SELECT COUNT(DISTINCT version) FROM minoro_migrations");
        assertEquals(rows, versions, "a version appears twice in the ledger");
        assertEquals(Long.valueOf(1), RawSql.value(database, Long.class, "SELECT MIN(version) FROM minoro_migrations"));
        assertEquals(Long.valueOf(rows), RawSql.value(database, Long.class, "SELECT MAX(version) FROM minoro_migrations"),
                "each script once, no gap");
        return rows + " rows, last applied at " + RawSql.value(database, Long.class,
                "SELECT MAX(applied_at) FROM minoro_migrations");
    }

    /** Boots {@link #IN_JVM} instances at once; the milliseconds until every one was ready. */
    private static long bootInOneJvm(DatabaseConfig database) {
        long start = System.nanoTime();
        List<Minoro> instances = Flux.range(0, IN_JVM)
                .flatMap(i -> Minoro.create(config(database)), IN_JVM)
                .collectList()
                .block(TIMEOUT);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        try {
            assertEquals(IN_JVM, instances.size());
            for (Minoro minoro : instances) {
                assertEquals(0L, minoro.users().count().block(TIMEOUT));
            }
        } finally {
            Flux.fromIterable(instances).flatMap(Minoro::close).blockLast(TIMEOUT);
        }
        return elapsed;
    }

    @Test
    default void sixtyFourInstancesBootAtOnceInOneJvm() {
        DatabaseConfig database = freshDatabase();
        long fresh = bootInOneJvm(database);
        String migrated = ledger(database);
        long upToDate = bootInOneJvm(database);
        assertEquals(migrated, ledger(database), "the up-to-date boots applied nothing");
        ReliabilityFigures.record("1 boot storm, one JVM", target(),
                IN_JVM + " concurrent Minoro.create, fresh database then up to date",
                "all ready: fresh " + fresh + " ms, up to date " + upToDate + " ms; ledger " + migrated
                        + ", each script once");
    }
}
