package dev.minoro.internal.migration;

import dev.minoro.PendingMigration;

/**
 * One migration as this version of Minoro ships it for one database.
 *
 * @param version        1, 2, 3 …
 * @param name           such as {@code create_schema}
 * @param compatibleFrom the oldest code schema version that may run against a database at this version
 * @param sql            the script, run as one unbound statement
 * @param checksum       {@link Checksums#of(String)} of the script
 */
record MigrationScript(int version, String name, int compatibleFrom, String sql, String checksum) {

    PendingMigration asPending() {
        return new PendingMigration(version, name, checksum);
    }

    @Override
    public String toString() {
        return "migration " + version + " (" + name + ")";
    }
}
