package dev.minoro.internal.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

final class MigrationScriptsTests {

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

    @Test
    void releasedScriptsNeverChange() throws Exception {
        // These checksums are in every database migrated by a release: changing a released script breaks them.
        MigrationScripts sqlite = MigrationScripts.load("sqlite");
        MigrationScripts postgres = MigrationScripts.load("postgres");
        assertEquals(List.of(Checksums.of(sqlite.get(1).sql())), List.of(sqlite.get(1).checksum()));
        assertEquals(1, postgres.get(1).version());
    }

    private static List<String> names(MigrationScripts scripts) {
        return scripts.all().stream().map(MigrationScript::name).collect(Collectors.toList());
    }
}
