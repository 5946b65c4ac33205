package dev.minoro.examples.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both programs through their {@code run} seam, on real SQLite files. */
final class MigrationScriptsTests {

    /** The newest schema version Minoro ships, from its migrations manifest (one line per version). */
    private static final long LATEST = latestVersion();


    @TempDir
    Path directory;

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    private static Run migrate(Map<String, String> env) {
        return capture(env, true);
    }

    private static Run status(Map<String, String> env) {
        return capture(env, false);
    }

    private static Run capture(Map<String, String> env, boolean migrate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = migrate ? MigrateDatabase.run(env, o, e) : MigrationStatus.run(env, o, e);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    private Map<String, String> sqlite(String file) {
        return Map.of("MINORO_DATABASE_TYPE", "sqlite", "MINORO_DATABASE_URL", "file:" + directory.resolve(file));
    }

    @Test
    void migratesAnEmptyDatabaseAndReportsEachScript() {
        Run first = migrate(sqlite("app.db"));
        assertEquals(0, first.exitCode(), first.err());
        // every version Minoro ships, whatever the newest is
        assertTrue(first.out().contains("Schema version 0 -> " + LATEST + " in "), first.out());
        assertTrue(first.out().matches("(?s).*  applied 1 create_schema in \\d+ ms.*"), first.out());
        assertEquals(LATEST, first.out().lines().filter(line -> line.startsWith("  applied ")).count(), first.out());

        Run again = migrate(sqlite("app.db"));
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("Schema version " + LATEST + " -> " + LATEST), again.out());
        assertTrue(again.out().contains("nothing to apply: the schema was up to date"), again.out());
    }

    @Test
    void statusSaysPendingBeforeAndUpToDateAfterWithoutWriting() {
        Run before = status(sqlite("status.db"));
        assertEquals(4, before.exitCode(), before.err());
        assertTrue(before.out().contains("Schema version 0; this Minoro ships version " + LATEST), before.out());
        assertTrue(before.out().contains("  pending 1 create_schema"), before.out());
        assertFalse(Files.exists(directory.resolve("status.db")), "reading the status must not create the file");

        assertEquals(0, migrate(sqlite("status.db")).exitCode());
        Run after = status(sqlite("status.db"));
        assertEquals(0, after.exitCode(), after.err());
        assertTrue(after.out().matches("(?s).*  applied 1 create_schema at \\S+ in \\d+ ms by .*"), after.out());
        assertTrue(after.out().contains("Up to date"), after.out());
    }

    @Test
    void aMissingOrMalformedSettingIsABadConfiguration() {
        Run missing = migrate(Map.of("MINORO_DATABASE_TYPE", "sqlite"));
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("MINORO_DATABASE_URL is not set"), missing.err());

        Run type = status(Map.of("MINORO_DATABASE_TYPE", "oracle", "MINORO_DATABASE_URL", "file:x.db"));
        assertEquals(2, type.exitCode());
        assertTrue(type.err().contains("MINORO_DATABASE_TYPE must be sqlite or postgres, was 'oracle'"), type.err());

        Run url = migrate(Map.of("MINORO_DATABASE_TYPE", "sqlite", "MINORO_DATABASE_URL", "/no/scheme.db"));
        assertEquals(2, url.exitCode());
        assertTrue(url.err().contains("file:"), "the message shows the accepted forms: " + url.err());
    }

    @Test
    void aPasswordInTheUrlIsNeverPrinted() {
        Map<String, String> env = Map.of("MINORO_DATABASE_TYPE", "postgres",
                "MINORO_DATABASE_URL", "postgres://app:s3cret-Pa55@127.0.0.1:1/auth?connect_timeout=1",
                "MINORO_MIGRATION_TIMEOUT", "PT20S");
        for (Run run : new Run[] {migrate(env), status(env)}) {
            assertTrue(run.exitCode() == 2 || run.exitCode() == 3, "bad configuration or unreachable: " + run);
            assertFalse((run.out() + run.err()).contains("s3cret-Pa55"), run.toString());
        }
    }

    @Test
    void anUnreachableDatabaseIsReportedWithItsCause() {
        Run run = migrate(Map.of("MINORO_DATABASE_TYPE", "sqlite",
                "MINORO_DATABASE_URL", "file:" + directory.resolve("no-such-directory/app.db")));
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().contains("migrate-database: failed ("), run.err());
        assertTrue(run.err().contains("exit code 3 (DATABASE_UNAVAILABLE)"), run.err());
    }

    @Test
    void aChangedChecksumStopsBothPrograms() throws Exception {
        assertEquals(0, migrate(sqlite("tampered.db")).exitCode());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("tampered.db"));
                Statement s = c.createStatement()) {
            // the newest version's row: an up-to-date boot reads only that one
            s.executeUpdate("UPDATE minoro_migrations SET checksum = 'sha256:" + "0".repeat(64) + "' WHERE version = "
                    + LATEST);
        }
        Run migrate = migrate(sqlite("tampered.db"));
        assertEquals(1, migrate.exitCode(), migrate.toString());
        assertTrue(migrate.err().contains("ChecksumMismatchException"), migrate.err());
        Run status = status(sqlite("tampered.db"));
        assertEquals(1, status.exitCode(), status.toString());
        assertTrue(status.err().contains("ChecksumMismatchException"), status.err());
    }

    private static long latestVersion() {
        try (java.io.InputStream in = MigrationScriptsTests.class.getResourceAsStream(
                "/dev/minoro/migrations/manifest.txt")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
