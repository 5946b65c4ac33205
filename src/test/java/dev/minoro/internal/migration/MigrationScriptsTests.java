package dev.minoro.internal.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

final class MigrationScriptsTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void everyDatabaseShipsAScriptForEveryVersionOfTheManifest() throws Exception {
        MigrationScripts sqlite = MigrationScripts.load("sqlite");
        MigrationScripts postgres = MigrationScripts.load("postgres");
        assertEquals(sqlite.latestVersion(), postgres.latestVersion());
        assertEquals(names(sqlite), names(postgres));
        for (int v = 1; v <= sqlite.latestVersion(); v++) {
            assertNotEquals(sqlite.get(v).checksum(), postgres.get(v).checksum(), "each database has its own script");
            assertEquals(sqlite.get(v).compatibleFrom(), postgres.get(v).compatibleFrom());
        }
        assertTrue(sqlite.ledgerDdl().startsWith("CREATE TABLE IF NOT EXISTS minoro_migrations"));
    }

    /** A script's file name pads its version to four ASCII digits, whatever the default locale. */
    @Test
    void aScriptsFileNamePadsItsVersionWithAsciiDigits() {
        assertEquals("0001_create_schema.sql", MigrationScripts.fileName(1, "create_schema"));
        assertEquals("0042_x.sql", MigrationScripts.fileName(42, "x"));
        assertEquals("9999_x.sql", MigrationScripts.fileName(9999, "x"));
        assertEquals("12345_x.sql", MigrationScripts.fileName(12345, "x"));
    }

    @Test
    void releasedScriptsNeverChange() throws Exception {
        // These checksums are in every database migrated by a release: changing a released script breaks them.
        MigrationScripts sqlite = MigrationScripts.load("sqlite");
        MigrationScripts postgres = MigrationScripts.load("postgres");
        assertEquals(List.of(Checksums.of(sqlite.get(1).sql())), List.of(sqlite.get(1).checksum()));
        assertEquals(1, postgres.get(1).version());
    }

    /**
     * A folder whose scripts the class loader could not read fails, and is read again at the next call: the failure is
     * not kept for the JVM's life (it was, and every later migration failed with it). Once read, the scripts are
     * kept: removing the files changes nothing. The scripts are written into the class-path directory of Minoro's own
     * resources, beside the real ones, and removed afterwards.
     */
    @Test
    void aFolderThatFailedToLoadIsReadAgainAndKeptOnceRead() throws Exception {
        URL manifest = MigrationScripts.class.getResource("/" + MigrationScripts.ROOT + "manifest.txt");
        assumeTrue(manifest != null && manifest.getProtocol().equals("file"), "the resources are not in a directory");
        Path root = Path.of(manifest.toURI()).getParent();
        String folder = "retried-" + UUID.randomUUID();
        Path written = root.resolve(folder);
        MigrationScripts sqlite = MigrationScripts.load("sqlite");
        try {
            MigrationScripts.forFolder(folder).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(IllegalStateException.class, e);
                        assertEquals("the Minoro jar lacks " + MigrationScripts.ROOT + folder + "/0001_"
                                + sqlite.get(1).name() + ".sql", e.getMessage());
                    })
                    .verify(TIMEOUT);
            Files.createDirectory(written);
            for (MigrationScript script : sqlite.all()) {
                Files.writeString(written.resolve(String.format("%04d_%s.sql", script.version(), script.name())),
                        script.sql());
            }
            MigrationScripts.forFolder(folder).as(StepVerifier::create)
                    .assertNext(loaded -> assertEquals(names(sqlite), names(loaded)))
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            try (Stream<Path> files = Files.list(written)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            } catch (NoSuchFileException e) {
                // never written
            }
            Files.deleteIfExists(written);
        }
        MigrationScripts.forFolder(folder).as(StepVerifier::create)
                .assertNext(loaded -> assertEquals(sqlite.latestVersion(), loaded.latestVersion()))
                .expectComplete()
                .verify(TIMEOUT);
    }

    private static List<String> names(MigrationScripts scripts) {
        return scripts.all().stream().map(MigrationScript::name).collect(Collectors.toList());
    }
}
