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

    /** {@code scheme://user:password@}: the password part of a URL's user information. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/?#@:]*:)([^/?#@]*)(@)");

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
        String masked = URL_PASSWORD.matcher(connection).replaceAll("$1****$3");
        Matcher m = SECRET_PARAMETER.matcher(masked);
        return m.replaceAll("$1****");
    }
}
