package dev.minoro;

import java.util.List;

/**
 * The state of the schema, as read by {@link Minoro#migrationStatus(DatabaseConfig)}.
 *
 * @param currentVersion the newest version recorded in the database (0 when Minoro's tables do not exist)
 * @param latestVersion  the newest version this code ships
 * @param applied        every migration recorded in the ledger, in order
 * @param pending        the migrations not applied yet, in order
 */
public record MigrationStatus(int currentVersion, int latestVersion, List<AppliedMigration> applied,
        List<PendingMigration> pending) {

    /**
     * A status; the lists are copied.
     *
     * @param currentVersion the schema version the database is at
     * @param latestVersion the newest schema version this Minoro ships
     * @param applied the migrations applied, in order
     * @param pending the migrations not applied yet, in order
     */
    public MigrationStatus {
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
    }

    /**
     * {@return whether nothing is pending: the database is at this code's version, or beyond it at a version that
     * declares itself compatible with this code, so this code boots on it without migrating} (A schema beyond
     * this code's version that is not compatible makes {@link Minoro#migrationStatus} fail with
     * {@link SchemaTooNewException} instead.)
     */
    public boolean upToDate() {
        return pending.isEmpty();
    }
}
