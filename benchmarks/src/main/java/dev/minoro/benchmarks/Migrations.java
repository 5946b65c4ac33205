package dev.minoro.benchmarks;

import dev.minoro.Minoro;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Databases with 1 or N applied migrations, for Minoro and for Flyway, with the same schema.
 *
 * <p>Flyway gets Minoro's own scripts, read from the library jar through its migration manifest, as
 * {@code V1__…}, {@code V2__…} (an equivalent applied schema), then trivial fillers
 * ({@code CREATE TABLE bench_filler_n}) up to the count asked for.
 *
 * <p>Minoro ships one migration today and its fast path reads only the ledger's newest row, so "N applied
 * migrations" is a ledger of N rows: Minoro's real ones, then rows for later versions that declare
 * themselves compatible from version 1. That is the database a rolling deploy leaves for code that is
 * behind: the boot runs its one statement and is ready (it also logs once that the schema is newer, through
 * SLF4J, which the benchmarks bind to nothing). What grows is what that statement reads: an index over N
 * rows, ordered, limited to one.
 */
final class Migrations {

    private static final String ROOT = "dev/minoro/migrations/";

    private Migrations() {
    }

    /** One of Minoro's scripts as the jar ships it. */
    record Script(int version, String name, String sql) {
    }

    /** Minoro's scripts for {@code folder} ({@code sqlite} or {@code postgres}), in order. */
    static List<Script> minoroScripts(String folder) {
        List<Script> scripts = new ArrayList<>();
        for (String line : resource(ROOT + "manifest.txt").split("\n")) {
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String[] fields = entry.split("\\s+");
            int version = Integer.parseInt(fields[0]);
            String name = fields[1];
            scripts.add(new Script(version, name,
                    resource(ROOT + folder + "/" + String.format("%04d", version) + "_" + name + ".sql")));
        }
        return scripts;
    }

    /**
     * Writes Flyway's migrations into {@code directory} (a {@code filesystem:} location): Minoro's scripts
     * for {@code folder}, then fillers, {@code total} in all.
     */
    static Path writeFlywayMigrations(Path directory, String folder, int total) {
        try {
            Files.createDirectories(directory);
            List<Script> scripts = minoroScripts(folder);
            if (total < scripts.size()) {
                throw new IllegalArgumentException("Minoro ships " + scripts.size() + " migrations; cannot benchmark "
                        + total);
            }
            for (Script script : scripts) {
                Files.writeString(directory.resolve("V" + script.version() + "__" + script.name() + ".sql"),
                        script.sql());
            }
            for (int version = scripts.size() + 1; version <= total; version++) {
                Files.writeString(directory.resolve("V" + version + "__bench_filler_" + version + ".sql"),
                        "CREATE TABLE bench_filler_" + version + " (id INTEGER);\n");
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Grows the ledger of a database Minoro has migrated to {@code total} rows: rows after Minoro's head, each
     * compatible from version 1 (see the class comment).
     */
    static void fillLedger(Connection connection, int total) throws SQLException {
        int head;
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT MAX(version) FROM minoro_migrations")) {
            result.next();
            head = result.getInt(1);
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO minoro_migrations (version, name,"
                + " checksum, compatible_from, applied_at, execution_ms, applied_by) VALUES (?, ?, ?, 1, ?, 0, ?)")) {
            for (int version = head + 1; version <= total; version++) {
                insert.setInt(1, version);
                insert.setString(2, "bench_filler_" + version);
                insert.setString(3, "sha256:" + "0".repeat(64));
                insert.setLong(4, System.currentTimeMillis());
                insert.setString(5, "minoro-benchmarks");
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static String resource(String name) {
        try (InputStream in = Minoro.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the Minoro jar has no " + name + ": the benchmarks read Minoro's"
                        + " migration scripts from there to give Flyway the same schema; update Migrations.java");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
