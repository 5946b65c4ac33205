package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import java.util.Locale;

/**
 * A PostgreSQL connection string, parsed: a libpq URI or an r2dbc URL.
 *
 * <p>This first version checks the scheme only; the PostgreSQL issue replaces it with the full libpq
 * translation (percent-decoding, sslmode, sslrootcert, application_name, connect_timeout, options).
 */
public final class PostgresConnectionString {

    static final String ACCEPTED_FORMS = "postgres://user:password@host:5432/database?sslmode=require,"
            + " postgresql://…, r2dbc:postgresql://… or r2dbc:pool:postgresql://…";

    private final String connection;

    private PostgresConnectionString(String connection) {
        this.connection = connection;
    }

    /**
     * Parses a libpq URI or an r2dbc URL.
     *
     * @throws ConfigurationException when it is neither
     */
    public static PostgresConnectionString parse(String connection) {
        String lower = connection.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("postgres://") || lower.startsWith("postgresql://")
                || lower.startsWith("r2dbc:postgresql://") || lower.startsWith("r2dbc:pool:postgresql://"))) {
            throw new ConfigurationException("invalid PostgreSQL connection '" + ConnectionStrings.mask(connection)
                    + "'; accepted forms are " + ACCEPTED_FORMS);
        }
        return new PostgresConnectionString(connection);
    }

    /** The connection string as given. */
    public String connection() {
        return connection;
    }

    @Override
    public String toString() {
        return ConnectionStrings.mask(connection);
    }
}
