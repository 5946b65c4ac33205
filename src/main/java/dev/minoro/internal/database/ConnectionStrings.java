package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseType;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks connection strings when a {@link dev.minoro.DatabaseConfig} is made, and masks the secrets
 * in them for {@code toString()} and messages. Internal: not API.
 */
public final class ConnectionStrings {

    /** {@code password=...}, {@code authToken=...} and the like, in a query string or key-value list. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)((?:^|[?&;\\s])(?:password|pass|pwd|sslpassword|passfile|auth_?token|token|secret|api_?key)=)([^&;\\s]*)");

    private ConnectionStrings() {
    }

    /**
     * Fails with a {@link ConfigurationException} when {@code connection} is not an accepted form for
     * {@code type}.
     */
    public static void validate(DatabaseType type, String connection) {
        switch (type) {
            case SQLITE:
                SqliteConnectionString.parse(connection);
                break;
            case POSTGRES:
                PostgresConnectionString.parse(connection);
                break;
            default:
                throw new ConfigurationException("unsupported database type " + type);
        }
    }

    /** The connection string with any password or token replaced by {@code ****}. */
    public static String mask(String connection) {
        return maskParameters(maskUserInfoPassword(connection));
    }

    /**
     * The connection string of a valid configuration, its secrets masked where its own parser finds them
     * (a PostgreSQL URI can hold an '@' after its user information, which {@link #mask} cannot tell from a
     * password).
     */
    public static String masked(DatabaseType type, String connection) {
        return type == DatabaseType.POSTGRES ? PostgresConnectionString.parse(connection).toString() : mask(connection);
    }

    /** The values of {@code password=}, {@code authToken=} and the like replaced by {@code ****}. */
    static String maskParameters(String connection) {
        return SECRET_PARAMETER.matcher(connection).replaceAll("$1****");
    }

    /**
     * Masks the password of {@code scheme://user:password@host}. A password pasted without percent-encoding
     * may itself hold {@code / ? # @}, so everything from the first ':' after the user name to the last
     * '@' is masked: too much at worst (when a later part holds an '@'), never too little.
     */
    private static String maskUserInfoPassword(String connection) {
        int start = connection.indexOf("://");
        if (start < 0) {
            return connection;
        }
        int userStart = start + 3;
        int at = connection.lastIndexOf('@');
        if (at < userStart) {
            return connection;
        }
        int colon = connection.indexOf(':', userStart);
        if (colon < 0 || colon > at || connection.substring(userStart, colon).chars().anyMatch(c -> c == '@')) {
            return connection;
        }
        return connection.substring(0, colon + 1) + "****" + connection.substring(at);
    }
}
