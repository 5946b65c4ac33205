package dev.minoro.examples.migrate;

import dev.minoro.AppliedMigration;
import dev.minoro.MigrationReport;
import dev.minoro.Minoro;
import java.io.PrintStream;
import java.util.Map;

/**
 * The deployment step: brings Minoro's schema up to date, so that the functions deployed after it can
 * boot with {@code withRunMigrations(false)}. Reads {@code MINORO_DATABASE_TYPE} and
 * {@code MINORO_DATABASE_URL} (see {@link ScriptEnvironment}), prints what it applied, and exits with
 * 0 when done or a non-zero {@link ExitCode} with the reason on stderr.
 *
 * <p>Safe to run from several pipelines at once: Minoro's migration lock lets one apply each script
 * while the others wait and find nothing left to do.
 */
public final class MigrateDatabase {

    private MigrateDatabase() {
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), System.out, System.err));
    }

    /** The whole program but {@code System.exit}: its exit code. */
    static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            ScriptEnvironment settings = ScriptEnvironment.read(env);
            out.println("Migrating " + settings.database());
            long started = System.nanoTime();
            // A script may block: this is main, not an event loop, and nothing else is left to do meanwhile.
            MigrationReport report = Minoro.migrateDatabase(settings.database())
                    .timeout(settings.timeout())
                    .block();
            long millis = (System.nanoTime() - started) / 1_000_000;
            out.printf("Schema version %d -> %d in %d ms%n", report.fromVersion(), report.toVersion(), millis);
            for (AppliedMigration applied : report.applied()) {
                out.printf("  applied %d %s in %d ms%n", applied.version(), applied.name(),
                        applied.duration().toMillis());
            }
            if (report.applied().isEmpty()) {
                out.println("  nothing to apply: the schema was up to date");
            }
            return ExitCode.OK.code;
        } catch (RuntimeException e) {
            return Failures.report("migrate-database", e, err);
        }
    }
}
