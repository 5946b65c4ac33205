package dev.minoro.internal.migration;

import dev.minoro.internal.LoadedOnce;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The migrations shipped in the jar for one database, read from the manifest
 * {@code dev/minoro/migrations/manifest.txt} and the scripts it lists: no classpath scanning.
 */
final class MigrationScripts {

    static final String ROOT = "dev/minoro/migrations/";

    private static final Map<String, Mono<MigrationScripts>> LOADED = new ConcurrentHashMap<>();

    private final List<MigrationScript> scripts;
    private final String ledgerDdl;

    MigrationScripts(List<MigrationScript> scripts, String ledgerDdl) {
        this.scripts = List.copyOf(scripts);
        this.ledgerDdl = ledgerDdl;
    }

    /**
     * A {@code Mono} of the scripts in {@code folder}, read on Reactor's bounded-elastic scheduler (reading the jar
     * is blocking I/O) until a read succeeds, and then served from memory for the JVM's life ({@link LoadedOnce}).
     */
    static Mono<MigrationScripts> forFolder(String folder) {
        return LOADED.computeIfAbsent(folder, f -> LoadedOnce.of(() -> load(f)));
    }

    /** Reads the manifest and the scripts of {@code folder}; blocking. */
    static MigrationScripts load(String folder) throws IOException {
        List<MigrationScript> scripts = new ArrayList<>();
        String manifest = read(ROOT + "manifest.txt");
        int expected = 1;
        for (String line : manifest.split("\n")) {
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String[] fields = entry.split("\\s+");
            if (fields.length != 3) {
                throw new IllegalStateException("malformed line in " + ROOT + "manifest.txt: '" + entry
                        + "'; expected: version name compatible_from");
            }
            int version = Integer.parseInt(fields[0]);
            int compatibleFrom = Integer.parseInt(fields[2]);
            if (version != expected || compatibleFrom < 1 || compatibleFrom > version) {
                throw new IllegalStateException("manifest.txt lists version " + version + " where " + expected
                        + " was expected, with compatible_from " + compatibleFrom);
            }
            String sql = read(ROOT + folder + "/" + fileName(version, fields[1]));
            scripts.add(new MigrationScript(version, fields[1], compatibleFrom, sql, Checksums.of(sql)));
            expected++;
        }
        if (scripts.isEmpty()) {
            throw new IllegalStateException(ROOT + "manifest.txt lists no migration");
        }
        return new MigrationScripts(scripts, read(ROOT + "ledger.sql").strip());
    }

    /** The scripts, by ascending version. */
    List<MigrationScript> all() {
        return scripts;
    }

    /** The newest version. */
    int latestVersion() {
        return scripts.size();
    }

    /** The script of {@code version}, which must be between 1 and {@link #latestVersion()}. */
    MigrationScript get(int version) {
        return scripts.get(version - 1);
    }

    /** The scripts after {@code version}. */
    List<MigrationScript> after(int version) {
        return scripts.subList(Math.min(Math.max(version, 0), scripts.size()), scripts.size());
    }

    /** {@code CREATE TABLE IF NOT EXISTS minoro_migrations …}, the same on every database. */
    String ledgerDdl() {
        return ledgerDdl;
    }

    /**
     * The file name of script {@code version}: {@code 0003_sessions.sql}, its version zero-padded to four ASCII
     * digits. Not {@code String.format}, which writes the default locale's digits (Arabic-Indic under
     * {@code ar-EG}, Thai under {@code th-TH-TH}), and costs a cold boot the loading of the locale's data.
     */
    static String fileName(int version, String name) {
        String digits = Integer.toString(version);
        return "0".repeat(Math.max(0, 4 - digits.length())) + digits + "_" + name + ".sql";
    }

    /**
     * Reads a resource of Minoro's own. Through its class, not its class loader: on the module path the scripts'
     * packages are Minoro's alone, and a class loader finds only resources of open packages.
     */
    private static String read(String resource) throws IOException {
        try (InputStream in = MigrationScripts.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("the Minoro jar lacks " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
