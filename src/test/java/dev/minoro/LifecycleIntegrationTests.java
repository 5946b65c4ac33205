package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.CloseThenListThreadsProcess;
import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.MinoroThreads;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** An instance's threads and connections live exactly as long as it does. */
final class LifecycleIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void closeReleasesEveryThreadTheInstanceStarted() throws InterruptedException {
        Set<String> before = MinoroThreads.alive();
        Minoro minoro = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "a.db"),
                java.time.Clock.systemUTC())).block(TIMEOUT);
        minoro.users().create(NewUser.of("a@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
        minoro.authenticate("a@example.com", TestConfigs.PASSWORD).block(TIMEOUT);
        Set<String> during = MinoroThreads.toRelease(before);
        // the SQLite lanes run on the driver's shared threads, which an earlier test may have started
        assertTrue(during.stream().anyMatch(MinoroThreads::isSharedThread), during.toString());
        Set<String> started = new HashSet<>(during);
        started.removeAll(before);
        assertTrue(started.stream().anyMatch(n -> n.startsWith("minoro-password")), started.toString());

        minoro.close().as(StepVerifier::create).verifyComplete();
        // A thread whose last task has ended can still be alive for a moment while it exits; a lane thread stays,
        // idle, for the next lane.
        MinoroThreads.awaitReleased(during);
    }

    /**
     * A boot after another instance has closed takes the lane thread that instance gave back instead of starting
     * one: a serverless function that boots and closes Minoro on every invocation starts a thread only once.
     */
    @Test
    void aBootAfterACloseStartsNoThread() throws InterruptedException {
        DatabaseConfig database = TestConfigs.sqliteFile(directory, "again.db");
        Minoro.create(MinoroConfig.of(database)).flatMap(Minoro::close).block(TIMEOUT);
        Set<String> before = MinoroThreads.alive();
        for (int boot = 0; boot < 5; boot++) {
            Minoro minoro = Minoro.create(MinoroConfig.of(database)).block(TIMEOUT);
            minoro.users().count().block(TIMEOUT);
            minoro.close().block(TIMEOUT);
        }
        Set<String> started = MinoroThreads.alive();
        started.removeAll(before);
        assertEquals(Set.of(), started);
    }

    /**
     * Once Minoro is done, no thread keeps the JVM alive: a script or a CLI that closes Minoro (or only migrates,
     * or whose boot failed, or that cancelled its boot) and returns from {@code main} exits then, not 10 s later (Reactor's graceful dispose
     * waits on a thread of its own that is no daemon and lingers 10 s). In fresh JVMs, so no earlier test's
     * threads count.
     */
    @ParameterizedTest
    @ValueSource(strings = {"work", "migrate", "failed-boot", "cancelled-boot"})
    void whenMinoroIsDoneNoThreadKeepsTheJvmAlive(String use) throws Exception {
        String file = use.equals("failed-boot") ? directory.resolve("missing").resolve("exit.db").toString()
                : directory.resolve(use + ".db").toString();
        JavaProcess process = JavaProcess.start(CloseThenListThreadsProcess.class, directory.resolve(use + ".log"),
                "SQLITE", "file:" + file, use);
        assertEquals(0, process.waitFor(TIMEOUT.toSeconds()), process.output());
        assertTrue(process.output().contains("non-daemon threads: []"), process.output());
        if (use.equals("cancelled-boot")) {
            assertTrue(process.output().contains("boot cancelled") && !process.output().contains("booted"),
                    process.output());
        }
    }

    /**
     * On a remote libSQL server, two instances at once share one HTTP client (one {@code minoro-libsql-N}
     * executor), and once both are closed no libSQL thread is left and none keeps the JVM alive.
     */
    @Test
    void libsqlInstancesShareOneHttpClientAndLeaveNoThreadOnceClosed() throws Exception {
        try (LibsqlDatabase database = LibsqlServer.database()) {
            JavaProcess process = JavaProcess.start(CloseThenListThreadsProcess.class, directory.resolve("libsql.log"),
                    "SQLITE", database.url(), "libsql-threads");
            assertEquals(0, process.waitFor(TIMEOUT.toSeconds()), process.output());
            String output = process.output();
            assertTrue(output.matches("(?s).*libsql clients while open: \\[\\d+\\].*"), output);
            assertTrue(output.contains("libsql threads after close: []"), output);
            assertTrue(output.contains("non-daemon threads: []"), output);
        }
    }

    /**
     * The password-hashing threads start at the first hash, not at boot (a serverless boot that hashes nothing
     * starts none), and are gone once {@code close()} completes. In a fresh JVM, so no other test's hashing threads
     * count.
     */
    @Test
    void hashingThreadsStartAtTheFirstHashAndEndWithClose() throws Exception {
        JavaProcess process = JavaProcess.start(CloseThenListThreadsProcess.class, directory.resolve("lazy.log"),
                "SQLITE", "file:" + directory.resolve("lazy.db"), "hashing-threads");
        assertEquals(0, process.waitFor(TIMEOUT.toSeconds()), process.output());
        String output = process.output();
        assertTrue(output.contains("hashing threads after boot: []"), output);
        assertTrue(output.matches("(?s).*hashing threads after login: \\[minoro-password-\\d+(, minoro-password-\\d+)*\\].*"), output);
        assertTrue(output.contains("hashing threads after close: []"), output);
        assertTrue(output.contains("non-daemon threads: []"), output);
    }

    /**
     * {@code dispose()}, what a container's void destroy method calls, closes as {@code close()} does: the
     * threads go, later calls fail as closed, and {@code close()} afterwards completes.
     */
    @Test
    void disposeReleasesEveryThreadAsCloseDoes() throws InterruptedException {
        Set<String> before = MinoroThreads.alive();
        Minoro minoro = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "d.db"),
                java.time.Clock.systemUTC())).block(TIMEOUT);
        minoro.users().create(NewUser.of("d@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
        Set<String> during = MinoroThreads.toRelease(before);
        assertTrue(during.stream().anyMatch(n -> n.startsWith("minoro-password")), during.toString());
        assertFalse(minoro.isDisposed());

        minoro.dispose();
        assertTrue(minoro.isDisposed());
        minoro.dispose();
        MinoroThreads.awaitReleased(during);
        minoro.users().count().as(StepVerifier::create).expectError(MinoroClosedException.class).verify(TIMEOUT);
        minoro.close().as(StepVerifier::create).verifyComplete();
    }

    private static boolean aLaneWaitsForALock() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("minoro-sqlite-"))
                .anyMatch(e -> Arrays.stream(e.getValue()).anyMatch(frame -> frame.getClassName()
                        .equals("dev.minoro.sqlite.LockWait") && frame.getMethodName().equals("pause")));
    }

    @Test
    void cancellingABootThatWaitsReleasesWhatItOpened() throws Exception {
        Path file = directory.resolve("busy.db");
        Set<String> before = MinoroThreads.alive();
        // Another connection holds SQLite's write lock on a WAL file, so the boot reads the (missing)
        // ledger and then waits for the lock in the migration's slow path.
        Set<String> during;
        try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = holder.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("BEGIN IMMEDIATE");
            Disposable boot = Minoro.create(MinoroConfig.of(DatabaseConfig.sqlite("file:" + file)
                            .withBusyTimeout(Duration.ofMillis(100))))
                    .subscribe();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            // a poll until a lane waits in the driver's busy handler for the lock the holder keeps
            while (!aLaneWaitsForALock()) {
                assertTrue(System.nanoTime() < deadline, "the boot never waited for the lock");
                Thread.sleep(10);
            }
            assertFalse(boot.isDisposed(), "the boot is still waiting for the lock when it is cancelled");
            during = MinoroThreads.toRelease(before);
            boot.dispose();
            statement.execute("ROLLBACK");
        }
        MinoroThreads.awaitReleased(during);
    }
}
