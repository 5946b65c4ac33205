package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.libsql.LibsqlConnectionConfiguration;
import dev.minoro.libsql.LibsqlConnectionFactory;

/** Opens a remote libSQL {@link Database} (sqld, Turso) on Minoro's own R2DBC driver over Hrana on HTTP. */
final class LibsqlDatabases {

    private LibsqlDatabases() {
    }

    /**
     * The database {@code target} names, with the URL's token or else the config's. Opens nothing: the driver's
     * first request is the first statement.
     */
    static Database open(DatabaseConfig config, LibsqlConnectionString target) {
        String token = target.authToken() != null ? target.authToken() : config.authToken();
        LibsqlConnectionConfiguration configuration;
        try {
            configuration = LibsqlConnectionConfiguration.builder()
                    .url(target.url().toString())
                    .authToken(token)
                    .connectTimeout(config.connectTimeout())
                    .build();
        } catch (IllegalArgumentException e) {
            // the connection string was checked when the config was made; the driver's message never shows the token
            throw new ConfigurationException("the libSQL driver refused the connection to " + target.url() + ": "
                    + e.getMessage(), e);
        }
        LibsqlConnectionFactory factory = new LibsqlConnectionFactory(configuration);
        return Database.of(factory, new SqliteDialect(new LibsqlMigrationLock(),
                new LibsqlErrorTranslator(target.description())::translate), target.description(), factory::close);
    }
}
