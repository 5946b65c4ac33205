package dev.minoro;

/**
 * The database was migrated by a newer Minoro to a schema version this code does not know, and
 * that migration declared (through {@code compatible_from}) that older code must not run against it.
 */
public final class SchemaTooNewException extends MigrationException {

    private static final long serialVersionUID = 1L;

    /** The database, as messages call it. */
    private final String database;
    /** The newest schema version recorded in the database. */
    private final int databaseVersion;
    /** The newest schema version this code knows. */
    private final int codeVersion;
    /** The oldest code version the database's schema runs with. */
    private final int compatibleFrom;

    /**
     * @param databaseVersion the database's schema version
     * @param codeVersion the newest schema version this Minoro ships
     * @param compatibleFrom the oldest code version the database's schema declares itself compatible with
     * @param database what messages call the database, such as {@code SQLite file /var/lib/app/auth.db}; never
     *                 holds a password
     */
    public SchemaTooNewException(String database, int databaseVersion, int codeVersion, int compatibleFrom) {
        super("the database schema is at version " + databaseVersion + " (" + database + "), but this version of"
                + " Minoro knows up to " + codeVersion + ", and version " + databaseVersion + " runs only with code"
                + " from schema version " + compatibleFrom + " on; upgrade Minoro to the version that migrated this"
                + " database");
        this.database = database;
        this.databaseVersion = databaseVersion;
        this.codeVersion = codeVersion;
        this.compatibleFrom = compatibleFrom;
    }

    /** {@return the database, as messages call it} */
    public String database() {
        return database;
    }

    /** {@return the newest schema version recorded in the database} */
    public int databaseVersion() {
        return databaseVersion;
    }

    /** {@return the newest schema version this code knows} */
    public int codeVersion() {
        return codeVersion;
    }

    /** {@return the oldest code schema version that may run against {@link #databaseVersion()}} */
    public int compatibleFrom() {
        return compatibleFrom;
    }
}
