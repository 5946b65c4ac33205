package dev.minoro;

/**
 * A migration recorded in the ledger has a different checksum from the script this version of
 * Minoro ships for the same version number: the script or the ledger was changed after it ran.
 */
public final class ChecksumMismatchException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final String database;
    private final int version;
    private final String expectedChecksum;
    private final String actualChecksum;

    /**
     * @param database what messages call the database, such as {@code SQLite file /var/lib/app/auth.db}; never
     *                 holds a password
     */
    public ChecksumMismatchException(String database, int version, String expectedChecksum, String actualChecksum) {
        super("migration " + version + " in minoro_migrations (" + database + ") has checksum " + actualChecksum
                + " but this version of Minoro ships " + expectedChecksum
                + "; the applied script or its ledger row was changed after it ran."
                + " Restore the original schema (or ledger row) or use the Minoro version that applied it");
        this.database = database;
        this.version = version;
        this.expectedChecksum = expectedChecksum;
        this.actualChecksum = actualChecksum;
    }

    /** The database, as messages call it. */
    public String database() {
        return database;
    }

    /** The migration version whose checksum differs. */
    public int version() {
        return version;
    }

    /** The checksum of the script this version of Minoro ships. */
    public String expectedChecksum() {
        return expectedChecksum;
    }

    /** The checksum recorded in the ledger. */
    public String actualChecksum() {
        return actualChecksum;
    }
}
