package dev.minoro.internal.metrics;

import dev.minoro.ChecksumMismatchException;
import dev.minoro.MigrationReport;
import dev.minoro.SchemaNotMigratedException;
import dev.minoro.SchemaTooNewException;
import java.util.Locale;

/** How one boot's migration run ended, as the {@code outcome} tag says it: a closed set. */
enum MigrationOutcome {

    /** The schema was ready: nothing was applied (the fast path, or another instance migrated first). */
    UP_TO_DATE,
    /** At least one migration was applied. */
    APPLIED,
    /** The schema is behind and migrations on boot are off ({@link SchemaNotMigratedException}). */
    NOT_MIGRATED,
    /** A newer Minoro migrated the database to a schema this one may not run on ({@link SchemaTooNewException}). */
    TOO_NEW,
    /** An applied migration differs from the one this Minoro ships ({@link ChecksumMismatchException}). */
    CHECKSUM_MISMATCH,
    /** Anything else: the database failed, a script failed and was rolled back, the lock wait timed out. */
    FAILED;

    private final String tag = name().toLowerCase(Locale.ROOT);

    String tag() {
        return tag;
    }

    static MigrationOutcome of(MigrationReport report) {
        return report.applied().isEmpty() ? UP_TO_DATE : APPLIED;
    }

    static MigrationOutcome ofFailure(Throwable error) {
        if (error instanceof SchemaNotMigratedException) {
            return NOT_MIGRATED;
        }
        if (error instanceof SchemaTooNewException) {
            return TOO_NEW;
        }
        if (error instanceof ChecksumMismatchException) {
            return CHECKSUM_MISMATCH;
        }
        return FAILED;
    }
}
