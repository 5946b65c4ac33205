package dev.minoro.internal.database;

import dev.minoro.DatabaseConfig;

/**
 * A connection string, parsed once when its {@link DatabaseConfig} is made: which database it names, and how to
 * open it. Each kind of database has its own, with its own opener.
 */
public interface ConnectionTarget {

    /**
     * The database, opened with the options of {@code config}, whose connection string this is. Connects to
     * nothing yet; may read files (a certificate, the driver's native library): blocking.
     *
     * @throws dev.minoro.ConfigurationException for an option the driver cannot use
     */
    Database open(DatabaseConfig config);

    /**
     * {@link #open} for reading only: nothing is created or written (a SQLite file is opened read-only), and a
     * database that does not exist yet reads as an empty one. Blocking.
     *
     * @throws dev.minoro.ConfigurationException for an option the driver cannot use
     */
    Database openToRead(DatabaseConfig config);
}
