package dev.minoro;

import java.util.List;

/**
 * What {@link Minoro#migrateDatabase(DatabaseConfig)} did.
 *
 * @param fromVersion the schema version before (0 for an empty database)
 * @param toVersion   the schema version after
 * @param applied     the migrations this call applied, in order; empty when the schema was up to date
 *                    (or another instance applied them while this one waited)
 */
public record MigrationReport(int fromVersion, int toVersion, List<AppliedMigration> applied) {

    /**
     * A report; {@code applied} is copied.
     *
     * @param fromVersion the schema version before
     * @param toVersion the schema version after
     * @param applied the migrations applied, in order
     */
    public MigrationReport {
        applied = List.copyOf(applied);
    }
}
