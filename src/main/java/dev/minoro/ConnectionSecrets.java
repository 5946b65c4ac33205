package dev.minoro;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Masks the passwords and tokens in a connection string, for {@code toString()} and messages: string code that
 * finds where a secret stands by the form's own rules, without parsing or checking the rest.
 */
final class ConnectionSecrets {

    static final String MASK = "****";

    /** {@code password=...}, {@code authToken=...} and the like, in a query string or key-value list. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)((?:^|[?&;\\s])(?:password|pass|pwd|sslpassword|passfile|auth_?token|token|secret|api_?key)=)([^&;\\s]*)");

    private ConnectionSecrets() {
    }

    /**
     * A valid connection string of {@code type} with its secrets masked. A libpq URI is masked where libpq reads
     * its password (the user information ends at the first '@' before any '/', so a later '@' stays, as in
     * {@code application_name=svc@host1}); anything else as {@link #mask} does.
     */
    static String masked(DatabaseType type, String connection) {
        String lower = connection.toLowerCase(Locale.ROOT);
        if (type == DatabaseType.POSTGRES && (lower.startsWith("postgres://") || lower.startsWith("postgresql://"))) {
            return maskedLibpqUri(connection);
        }
        if (type == DatabaseType.POSTGRES && lower.startsWith("r2dbc:")) {
            return maskedR2dbcUrl(connection);
        }
        return mask(connection);
    }

    /**
     * Any text that may be a connection string, with whatever could be a password or token masked: everything
     * from the first ':' after a user name to the last '@' (too much at worst, when a later part holds an '@';
     * never too little, since a password pasted without percent-encoding may hold {@code / ? # @}), and the
     * values of parameters such as {@code password=} and {@code authToken=}.
     */
    static String mask(String connection) {
        int start = connection.indexOf("://");
        String masked = connection;
        if (start >= 0) {
            int userStart = start + 3;
            int at = connection.lastIndexOf('@');
            int colon = connection.indexOf(':', userStart);
            if (at >= userStart && colon >= 0 && colon < at && connection.indexOf('@', userStart) > colon) {
                masked = connection.substring(0, colon + 1) + MASK + connection.substring(at);
            }
        }
        return maskParameters(masked);
    }

    /**
     * A libpq URI masked as libpq reads it: the password from the first ':' of the user information to its
     * end, the first '@' before any '/'; and each {@code password} parameter, its name percent-decoded, up
     * to the next '&'.
     */
    private static String maskedLibpqUri(String connection) {
        int start = connection.indexOf("://") + 3;
        int at = -1;
        for (int i = start; i < connection.length() && connection.charAt(i) != '/'; i++) {
            if (connection.charAt(i) == '@') {
                at = i;
                break;
            }
        }
        StringBuilder masked = new StringBuilder(connection.length());
        int from = start;
        if (at >= 0) {
            int colon = connection.indexOf(':', start);
            masked.append(connection, 0, colon >= 0 && colon < at ? colon + 1 : at);
            if (colon >= 0 && colon < at) {
                masked.append(MASK);
            }
            from = at;
        } else {
            masked.append(connection, 0, start);
        }
        int query = connection.indexOf('?', from);
        if (query < 0) {
            return masked.append(connection, from, connection.length()).toString();
        }
        masked.append(connection, from, query + 1);
        String[] pairs = connection.substring(query + 1).split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i];
            int eq = pair.indexOf('=');
            boolean secret = eq > 0 && percentDecoded(pair.substring(0, eq)).equals("password");
            masked.append(i == 0 ? "" : "&").append(secret ? pair.substring(0, eq + 1) + MASK : pair);
        }
        return masked.toString();
    }

    /**
     * An r2dbc URL masked as {@code java.net.URI} reads it: the authority ends at the first '/', '?' or '#', and
     * the user information at its last '@'; then the values of parameters such as {@code password=}.
     */
    private static String maskedR2dbcUrl(String connection) {
        int schemeEnd = connection.indexOf("://");
        if (schemeEnd < 0) {
            return mask(connection);
        }
        int start = schemeEnd + 3;
        int end = start;
        while (end < connection.length() && "/?#".indexOf(connection.charAt(end)) < 0) {
            end++;
        }
        int at = connection.lastIndexOf('@', end - 1);
        int colon = at < start ? -1 : connection.indexOf(':', start);
        String masked = colon < 0 || colon > at ? connection
                : connection.substring(0, colon + 1) + MASK + connection.substring(at);
        return maskParameters(masked);
    }

    /** The values of {@code password=}, {@code authToken=} and the like replaced by {@link #MASK}. */
    private static String maskParameters(String connection) {
        return SECRET_PARAMETER.matcher(connection).replaceAll("$1" + MASK);
    }

    /** {@code %XX} escapes of ASCII characters decoded; anything else left as it is. */
    private static String percentDecoded(String text) {
        StringBuilder decoded = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = c == '%' && i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (low >= 0 && high < 8) {
                decoded.append((char) (high * 16 + low));
                i += 2;
            } else {
                decoded.append(c);
            }
        }
        return decoded.toString();
    }
}
