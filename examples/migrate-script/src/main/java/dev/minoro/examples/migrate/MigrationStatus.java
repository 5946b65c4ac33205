package dev.minoro.examples.migrate;

import dev.minoro.AppliedMigration;
import dev.minoro.Minoro;
import dev.minoro.PendingMigration;
import java.io.PrintStream;
import java.util.Map;

/**
 * The read-only counterpart of {@link MigrateDatabase}: prints what is applied and what is pending,
 * verifying every stored checksum, and never writes (a missing SQLite file is reported as empty, not
 * created). Exits 0 when the schema is up to date, {@link ExitCode#PENDING} (4) when migrations are
 * pending, and the other {@link ExitCode}s on failure: a pipeline can gate a deployment of functions that
 * boot with {@code withRunMigrations(false)} on it.
 */
public final class MigrationStatus {

    private MigrationStatus() {
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), System.out, System.err));
    }

    /** The whole program but {@code System.exit}: its exit code. */
    static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            ScriptEnvironment settings = ScriptEnvironment.read(env);
            out.println("Reading the migration status of " + settings.database());
            dev.minoro.MigrationStatus status = Minoro.migrationStatus(settings.database())
                    .timeout(settings.timeout())
                    .block();
            out.printf("Schema version %d; this Minoro ships version %d%n", status.currentVersion(),
                    status.latestVersion());
            for (AppliedMigration applied : status.applied()) {
                out.printf("  applied %d %s at %s in %d ms by %s%n", applied.version(), applied.name(),
                        applied.appliedAt(), applied.duration().toMillis(), applied.appliedBy());
            }
            for (PendingMigration pending : status.pending()) {
                out.printf("  pending %d %s%n", pending.version(), pending.name());
            }
            if (status.upToDate()) {
                out.println("Up to date");
                return ExitCode.OK.code;
            }
            out.printf("%d migration(s) pending: run MigrateDatabase before deploying%n", status.pending().size());
            return ExitCode.PENDING.code;
        } catch (RuntimeException e) {
            return Failures.report("migration-status", e, err);
        }
    }
}
