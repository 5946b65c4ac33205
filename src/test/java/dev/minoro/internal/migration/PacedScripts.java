package dev.minoro.internal.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * A test-only migration script source: the scripts Minoro ships, then {@link #EXTRA} more whose statements take
 * a while, so that a process killed at a random moment of a migration is often killed inside a script, between
 * two statements of one, or between scripts. Each extra version {@code v} creates {@code reliability_v<v>}, pauses,
 * and fills it with {@link #ROWS} rows; its pause lasts as long as the one row of {@code reliability_pace} says
 * (steps of a recursive count on SQLite, seconds of {@code pg_sleep} on PostgreSQL), so that the same scripts
 * (same checksums) run slowly while a test kills them and at once when it lets them finish. The extra versions
 * declare themselves compatible from version 1, so a Minoro with the shipped scripts still boots on the result.
 *
 * <p>No production seam is needed: {@link Migrator}'s package-private constructor takes any {@link MigrationScripts}.
 */
final class PacedScripts {

    /** Versions added after the shipped ones. */
    static final int EXTRA = 4;

    /** Rows each extra version inserts. */
    static final int ROWS = 1000;

    private PacedScripts() {
    }

    /** The statements that make the table whose value sets how long each pause takes; the test runs them first. */
    static List<String> paceTable(String folder, double pauseSeconds) {
        return folder.equals("postgres")
                ? List.of("CREATE TABLE reliability_pace (pause double precision NOT NULL)",
                        "INSERT INTO reliability_pace VALUES (" + pauseSeconds + ")")
                // steps of a recursive count: a few million per second here
                : List.of("CREATE TABLE reliability_pace (pause INTEGER NOT NULL)",
                        "INSERT INTO reliability_pace VALUES (" + (long) (pauseSeconds * 4_000_000) + ")");
    }

    /** The shipped scripts of {@code folder} ({@code sqlite} or {@code postgres}) and the paced ones. */
    static MigrationScripts of(MigrationScripts shipped, String folder) {
        boolean postgres = folder.equals("postgres");
        String pause = postgres
                ? "SELECT pg_sleep((SELECT pause FROM reliability_pace));"
                : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT pause FROM"
                        + " reliability_pace)) SELECT count(*) FROM c;";
        String rows = postgres
                ? "SELECT 'row ' || x FROM generate_series(1, " + ROWS + ") AS x"
                : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + ROWS + ")"
                        + " SELECT 'row ' || x FROM c";
        List<MigrationScript> scripts = new ArrayList<>(shipped.all());
        for (int i = 0; i < EXTRA; i++) {
            int version = scripts.size() + 1;
            String table = table(version);
            String sql = "CREATE TABLE " + table + " (id " + (postgres ? "serial" : "INTEGER") + " PRIMARY KEY,"
                    + " note TEXT NOT NULL);\n" + pause + "\nINSERT INTO " + table + " (note) " + rows + ";\n";
            scripts.add(new MigrationScript(version, "paced_" + version, 1, sql, Checksums.of(sql)));
        }
        return new MigrationScripts(scripts, shipped.ledgerDdl());
    }

    /** The table that version {@code version} (an extra one) creates. */
    static String table(int version) {
        return "reliability_v" + version;
    }
}
