package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;

/**
 * Opens a PostgreSQL {@link Database}: r2dbc-postgresql behind r2dbc-pool. Arrives with the
 * PostgreSQL issue; until then it refuses clearly.
 */
final class PostgresDatabases {

    private PostgresDatabases() {
    }

    static Database open(DatabaseConfig config) {
        throw new ConfigurationException("PostgreSQL support is not built yet in this version of Minoro ("
                + PostgresConnectionString.parse(config.connection()) + ")");
    }
}
