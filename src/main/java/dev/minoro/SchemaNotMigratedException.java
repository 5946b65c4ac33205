package dev.minoro;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Migrations on boot are off ({@code runMigrations} is false) and the database schema is behind the
 * version this code needs. The message names the pending versions and how to apply them.
 */
public final class SchemaNotMigratedException extends MigrationException {

    private static final long serialVersionUID = 1L;

    /** The database, as messages call it. */
    private final String database;
    /** The schema version the database is at. */
    private final int currentVersion;
    /** The versions not yet applied. */
    private final List<Integer> pendingVersions;

    /**
     * @param currentVersion the database's schema version
     * @param pendingVersions the versions not yet applied
     * @param database what messages call the database, such as {@code SQLite file /var/lib/app/auth.db}; never
     *                 holds a password
     */
    public SchemaNotMigratedException(String database, int currentVersion, List<Integer> pendingVersions) {
        super("the database schema is at version " + currentVersion + " (" + database + ") and migrations "
                + pendingVersions.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + " are pending, but runMigrations is false; run Minoro.migrateDatabase(database).block()"
                + " (for example from your deployment script) or enable runMigrations");
        this.database = database;
        this.currentVersion = currentVersion;
        this.pendingVersions = List.copyOf(pendingVersions);
    }

    /** {@return the database, as messages call it} */
    public String database() {
        return database;
    }

    /** {@return the schema version the database is at; 0 when Minoro's tables do not exist yet} */
    public int currentVersion() {
        return currentVersion;
    }

    /** {@return the versions that have not been applied, in order} */
    public List<Integer> pendingVersions() {
        return pendingVersions;
    }
}
