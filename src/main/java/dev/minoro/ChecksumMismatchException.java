package dev.minoro;

/**
 * A migration recorded in the ledger has a different checksum from the script this version of
 * Minoro ships for the same version number: the script or the ledger was changed after it ran.
 */
public final class ChecksumMismatchException extends MigrationException {

    private static final long serialVersionUID = 1L;

    /** The database, as messages call it. */
    private final String database;
    /** The migration version whose checksum differs. */
    private final int version;
    /** The checksum of the script this Minoro ships. */
    private final String expectedChecksum;
    /** The checksum stored in the ledger. */
    private final String actualChecksum;

    /**
     * @param version the migration's version
     * @param expectedChecksum the checksum of the script this Minoro ships
     * @param actualChecksum the checksum stored in the ledger
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

    /** {@return the database, as messages call it} */
    public String database() {
        return database;
    }

    /** {@return the migration version whose checksum differs} */
    public int version() {
        return version;
    }

    /** {@return the checksum of the script this version of Minoro ships} */
    public String expectedChecksum() {
        return expectedChecksum;
    }

    /** {@return the checksum recorded in the ledger} */
    public String actualChecksum() {
        return actualChecksum;
    }
}
