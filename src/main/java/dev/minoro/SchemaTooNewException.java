package dev.minoro;

/**
 * The database was migrated by a newer Minoro to a schema version this code does not know, and
 * that migration declared (through {@code compatible_from}) that older code must not run against it.
 */
public final class SchemaTooNewException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final String database;
    private final int databaseVersion;
    private final int codeVersion;
    private final int compatibleFrom;

    /**
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

    /** The database, as messages call it. */
    public String database() {
        return database;
    }

    /** The newest schema version recorded in the database. */
    public int databaseVersion() {
        return databaseVersion;
    }

    /** The newest schema version this code knows. */
    public int codeVersion() {
        return codeVersion;
    }

    /** The oldest code schema version that may run against {@link #databaseVersion()}. */
    public int compatibleFrom() {
        return compatibleFrom;
    }
}
