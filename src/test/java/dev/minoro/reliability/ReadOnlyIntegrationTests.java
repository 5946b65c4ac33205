package dev.minoro.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.ReliabilityFigures;
import dev.minoro.testing.TestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite file that the process may not write (issue 9, suite item 3): the file read-only, its directory
 * read-only, and a new file in a read-only directory. The child JVM runs without root's privileges
 * ({@link JavaProcess.Builder#unprivileged()}), so that file modes apply even when the tests run as root.
 * On a read-only file, reads work and every write, a login included, fails with a {@code DatabaseException} that
 * says the database is read-only and what to fix; in a read-only directory the boot fails so; nothing in the file
 * changes; a file that cannot be created fails the boot with what to check.
 */
final class ReadOnlyIntegrationTests {

    static final String EMAIL = "reader@example.com";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String READ_ONLY = "DatabaseException: %s failed: the SQLite database is read-only for"
            + " this process";
    private static final String FIX = "give this process write permission on the file and on its directory";

    @TempDir
    Path directory;
    private Path file;

    @BeforeEach
    void migratedFileWithOneUser() {
        file = directory.resolve("accounts.db");
        Minoro minoro = Minoro.create(TestConfigs.fast(DatabaseConfig.sqlite("file:" + file), Clock.systemUTC()))
                .block(TIMEOUT);
        try {
            minoro.users().create(NewUser.of(EMAIL, TestConfigs.PASSWORD)).block(TIMEOUT);
        } finally {
            minoro.close().block(TIMEOUT);
        }
    }

    @AfterEach
    void writableAgain() throws IOException {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aReadOnlyFileServesReadsAndRefusesWritesSayingWhatToFix() throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        servesReadsAndRefusesWrites("the file read-only (r--r--r--), its directory writable");
    }

    @Test
    void aReadOnlyDirectoryFailsTheBootSayingWhatToFix() throws Exception {
        // SQLite cannot create the file's -wal and -shm files (a clean close removed them) to open it in WAL mode
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-x------"));
        byte[] before = Files.readAllBytes(file);
        List<String> steps = run(file);
        assertEquals(2, steps.size(), steps::toString);
        assertRefused(steps.get(0), "checking the schema version of the SQLite file " + file);
        assertTrue(steps.get(0).contains("SQLITE_READONLY_DIRECTORY"), steps::toString);
        assertEquals("done", steps.get(1));
        assertArrayEquals(before, Files.readAllBytes(file), "the file changed");
        ReliabilityFigures.record("3 faults: SQLite directory that cannot be written", "SQLite file",
                "the file writable, its directory read-only (r-x------), opened by an unprivileged process",
                "the boot fails with DatabaseException (SQLITE_READONLY_DIRECTORY) saying the database is read-only"
                        + " and what to fix; the file is unchanged");
    }

    @Test
    void aNewFileInAReadOnlyDirectoryFailsTheBootSayingWhatToCheck() throws Exception {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-x------"));
        Path fresh = directory.resolve("fresh.db");
        List<String> steps = run(fresh);
        assertEquals(2, steps.size(), steps::toString);
        assertTrue(steps.get(0).startsWith("boot: dev.minoro.DatabaseException: ") && steps.get(0).contains(
                "cannot open SQLite database " + fresh) && steps.get(0).contains("check that the directory exists and"
                        + " that this process may read and write both the directory and the file"), steps::toString);
        assertEquals("done", steps.get(1));
        assertFalse(Files.exists(fresh));
        ReliabilityFigures.record("3 faults: SQLite file that cannot be created", "SQLite file",
                "a new file in a read-only directory (r-x------), opened by an unprivileged process",
                "the boot fails with DatabaseException naming the file and what to check; nothing created");
    }

    private void servesReadsAndRefusesWrites(String setting) throws Exception {
        byte[] before = Files.readAllBytes(file);
        List<String> steps = run(file);
        assertEquals(List.of("boot: ok", "read: ok"), steps.subList(0, 2), steps::toString);
        assertRefused(steps.get(2), "checking a login");
        assertRefused(steps.get(3), "creating a user");
        assertEquals(List.of("close: ok", "done"), steps.subList(4, 6), steps::toString);
        assertArrayEquals(before, Files.readAllBytes(file), "the file changed");
        ReliabilityFigures.record("3 faults: SQLite file that cannot be written", "SQLite file",
                setting + ", opened by an unprivileged process",
                "boot and reads work; a login and a create each fail with DatabaseException saying the database is"
                        + " read-only and what to fix; the file is unchanged");
    }

    private static void assertRefused(String step, String doing) {
        assertTrue(step.contains(READ_ONLY.formatted(doing)) && step.contains(FIX), step);
    }

    private static List<String> run(Path database) throws Exception {
        Path output = Files.createTempFile("minoro-read-only-", ".out");
        try {
            JavaProcess child = JavaProcess.builder(ReadOnlyDatabaseProcess.class.getName())
                    .unprivileged()
                    .arguments(database.toString())
                    .start(output);
            assertEquals(0, child.waitFor(120), child::output);
            return child.output().lines()
                    .filter(line -> line.equals("done") || line.matches("^(boot|read|login|write|close): .*"))
                    .toList();
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
