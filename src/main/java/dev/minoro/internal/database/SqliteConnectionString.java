package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.sqlite.internal.ConnectionSecrets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A libsql-style SQLite connection string for a local database, parsed: a database file or an in-memory database.
 *
 * @param file the database file, absolute, or null for an in-memory database
 */
public record SqliteConnectionString(@Nullable Path file) implements ConnectionTarget {

    static final String ACCEPTED_FORMS = "file:/abs/path.db, file:relative/path.db, file::memory: or :memory:";

    @Override
    public Database open(DatabaseConfig config) {
        return SqliteDatabases.open(config, this, false);
    }

    @Override
    public Database openToRead(DatabaseConfig config) {
        return SqliteDatabases.open(config, this, true);
    }

    /**
     * Parses {@code file:/abs/path.db}, {@code file:relative/path.db} (relative to the working
     * directory), {@code file::memory:} or {@code :memory:}; a remote libSQL server's URL is
     * {@link LibsqlConnectionString}'s.
     *
     * @throws ConfigurationException for anything else, listing the accepted forms
     */
    public static SqliteConnectionString parse(String connection) {
        String trimmed = connection.strip();
        if (!trimmed.equals(connection)) {
            throw invalid(connection, "it has leading or trailing white space");
        }
        if (connection.equals(":memory:") || connection.equals("file::memory:")) {
            return new SqliteConnectionString(null);
        }
        if (!connection.startsWith("file:")) {
            throw invalid(connection, "it does not start with 'file:'");
        }
        String path = connection.substring("file:".length());
        if (path.startsWith("//")) {
            // file:///abs/path.db: an empty authority is the local host; anything else is remote
            int slash = path.indexOf('/', 2);
            String authority = slash < 0 ? path.substring(2) : path.substring(2, slash);
            if (!authority.isEmpty() && !authority.equals("localhost")) {
                throw invalid(connection, "file URLs with a host are not supported");
            }
            path = slash < 0 ? "" : path.substring(slash);
        }
        if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
            throw invalid(connection, "query parameters and fragments are not supported (set SQLite's options with"
                    + " DatabaseConfig's methods, such as withBusyTimeout)");
        }
        if (path.isEmpty() || path.endsWith("/")) {
            throw invalid(connection, "it names no file");
        }
        if (path.indexOf('\0') >= 0) {
            throw invalid(connection, "it contains a NUL character");
        }
        try {
            return new SqliteConnectionString(Path.of(path).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw invalid(connection, "it is not a valid path: " + e.getReason());
        }
    }

    /** The message names the connection without its query, and with its user information masked: secrets, maybe. */
    private static ConfigurationException invalid(String connection, String why) {
        return new ConfigurationException("invalid SQLite connection '" + ConnectionSecrets.withoutQuery(connection)
                + "': " + why
                + "; accepted forms are " + ACCEPTED_FORMS + ", or for a remote libSQL server (Turso, sqld) "
                + LibsqlConnectionString.ACCEPTED_FORMS);
    }
}
