package dev.minoro.sqlite;

import io.r2dbc.spi.ConnectionFactory;

/** What the lanes of a {@link SqliteConnectionFactory} are doing, for tests outside the driver's package. */
public final class SqliteLanesProbe {

    private SqliteLanesProbe() {
    }

    /** The lanes leased now. */
    public static int leased(ConnectionFactory factory) {
        return ((SqliteConnectionFactory) factory).lanes().leased();
    }

    /** The leases waiting for a lane now. */
    public static int pending(ConnectionFactory factory) {
        return ((SqliteConnectionFactory) factory).lanes().pending();
    }
}
