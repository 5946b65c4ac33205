package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.sqlite.internal.ConnectionSecrets;
import dev.minoro.sqlite.internal.OptionNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * A remote libSQL connection string (sqld, Turso), parsed as {@code @libsql/client} reads it:
 * {@code libsql://host[:port][/path]} (HTTPS; {@code ?tls=0} for cleartext HTTP, which then needs a port),
 * {@code https://…} or {@code http://…}, with the query parameters {@code authToken} and {@code tls} and no others.
 *
 * @param url       where the Hrana endpoints are: {@code https://host[:port][/path]} or
 *                  {@code http://host:port[/path]}, without query
 * @param authToken the token of the URL's {@code authToken} parameter, or null when it has none
 */
public record LibsqlConnectionString(URI url, @Nullable String authToken) implements ConnectionTarget {

    /** The query parameters of a libSQL URL, as {@code @libsql/client} spells them. */
    private static final List<String> QUERY_PARAMETERS = List.of("authToken", "tls");

    /** What a message says instead of a query parameter that may be a piece of a secret. */
    private static final String NOT_SHOWN = "(not shown: it may be a piece of a token or password, split at an"
            + " unencoded '&', '/', '?' or '@', which are written %26, %2F, %3F, %40)";

    static final String ACCEPTED_FORMS = "libsql://host[:port] (HTTPS; ?tls=0 for plain HTTP with a port),"
            + " https://host[:port] or http://host:port, each with an optional ?authToken=…";

    /** Whether {@code connection} names a remote libSQL server rather than a local SQLite file. */
    public static boolean isRemote(String connection) {
        String lower = connection.strip().toLowerCase(Locale.ROOT);
        return lower.startsWith("libsql:") || lower.startsWith("http:") || lower.startsWith("https:")
                || lower.startsWith("ws:") || lower.startsWith("wss:");
    }

    @Override
    public Database open(DatabaseConfig config) {
        return LibsqlDatabases.open(config, this);
    }

    /** The same as {@link #open}: a server's database exists already, and reading the status writes nothing. */
    @Override
    public Database openToRead(DatabaseConfig config) {
        return LibsqlDatabases.open(config, this);
    }

    /** What messages call the database: its URL, which holds no token. */
    String description() {
        return "libSQL database at " + url;
    }

    /**
     * Parses a remote libSQL connection string.
     *
     * @throws ConfigurationException for anything else than the accepted forms, for unknown query parameters (named),
     *                                and for {@code ws://} / {@code wss://}; the message never shows the token
     */
    public static LibsqlConnectionString parse(String connection) {
        if (!connection.strip().equals(connection)) {
            throw invalid(connection, "it has leading or trailing white space");
        }
        int colon = connection.indexOf(':');
        String scheme = connection.substring(0, colon).toLowerCase(Locale.ROOT);
        if (scheme.equals("ws") || scheme.equals("wss")) {
            throw invalid(connection, "Minoro speaks Hrana over HTTP, not WebSockets: write "
                    + (scheme.equals("ws") ? "http://host:port or libsql://host:port?tls=0" : "libsql:// or https://")
                    + " instead of " + scheme + "://");
        }
        URI uri;
        try {
            uri = new URI(connection);
        } catch (URISyntaxException e) {
            throw invalid(connection, "it is not a valid URL (" + e.getReason() + ")");
        }
        if (uri.getRawFragment() != null) {
            throw invalid(connection, "it has a fragment ('#…')");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(connection, "it holds user information before '@'; give the token as ?authToken=… or"
                    + " with DatabaseConfig.withAuthToken");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            String authority = uri.getRawAuthority();
            if (authority != null && authority.indexOf('@') >= 0) {
                // java.net.URI reads "user:p@ss@host" as a registry name, with no host or user information
                throw invalid(connection, "it holds user information before '@'; give the token as ?authToken=… or"
                        + " with DatabaseConfig.withAuthToken");
            }
            int portStart = authority == null || authority.endsWith("]") ? -1 : authority.lastIndexOf(':');
            if (portStart >= 0 && !authority.substring(portStart + 1).matches("[0-9]*")) {
                // java.net.URI reads "host:abc" as a registry name, with no host: say what is wrong with it
                throw invalid(connection, "its port is not a number between 1 and 65535");
            }
            throw invalid(connection, "it names no host");
        }
        if (uri.getRawPath() != null && uri.getRawPath().indexOf('@') >= 0) {
            // "https://app:pa/ss@host": java.net.URI reads host "app" and path "/ss@host", a piece of the password
            throw invalid(connection, "its path holds an unencoded '@' (not shown: a password with a '/' in it, pasted"
                    + " as user information, splits a URL that way); a libSQL URL takes no user information: give the"
                    + " token as ?authToken=… or with DatabaseConfig.withAuthToken, and write '@' in a path as %40");
        }
        String token = null;
        Boolean tls = null;
        List<@Nullable String> unknown = new ArrayList<>();
        // Empty parameters ("&&", a trailing '&') are skipped, as @libsql/client's URLSearchParams skips them.
        List<QueryParameters.Parameter> parameters = uri.getRawQuery() == null ? List.of()
                : QueryParameters.of(uri.getRawQuery(), 0, -1);
        // A parameter after a secret one may be the rest of a secret holding an unencoded '&', and is then never
        // shown; unless the secret is a whole JWT (three base64url parts: what Turso and sqld take), which holds no
        // '&'. So may every parameter when an '@' stands outside the token: a password with '?' pasted as user
        // information.
        boolean hide = parameters.stream().anyMatch(p -> !p.rawName().equals("authToken") && holdsAt(p));
        for (QueryParameters.Parameter parameter : parameters) {
            String key = decode(parameter.rawName());
            String value = parameter.rawValue() == null ? "" : decode(parameter.rawValue());
            if (key.equals("authToken")) {
                token = value.isEmpty() ? null : checkedToken(value, "the URL's authToken");
            } else if (key.equals("tls")) {
                if (!value.equals("0") && !value.equals("1")) {
                    throw invalid(connection, "tls must be 0 or 1, was " + (hide ? NOT_SHOWN : "'" + value + "'"));
                }
                tls = value.equals("1");
            } else {
                unknown.add(hide ? null : key);
            }
            hide |= ConnectionSecrets.isSecretName(key) && !ConnectionSecrets.isWholeJwt(value);
        }
        if (!unknown.isEmpty()) {
            StringJoiner named = new StringJoiner(", ");
            for (@Nullable String key : unknown) {
                named.add(key == null ? NOT_SHOWN
                        : OptionNames.quoted(key) + OptionNames.suggestion(key, QUERY_PARAMETERS));
            }
            throw invalid(connection, "unsupported query parameter" + (unknown.size() > 1 ? "s " : " ") + named
                    + "; only authToken and tls are accepted (names are case-sensitive)");
        }
        String http;
        if (scheme.equals("libsql")) {
            if (Boolean.FALSE.equals(tls) && uri.getPort() < 0) {
                throw invalid(connection, "a libsql:// URL with ?tls=0 must give a port");
            }
            http = Boolean.FALSE.equals(tls) ? "http" : "https";
        } else {
            if (scheme.equals("http") && Boolean.TRUE.equals(tls)) {
                throw invalid(connection, "an http:// URL cannot opt into TLS with ?tls=1; use https://");
            }
            if (scheme.equals("https") && Boolean.FALSE.equals(tls)) {
                throw invalid(connection, "an https:// URL cannot opt out of TLS with ?tls=0; use http://");
            }
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw invalid(connection, "its scheme is neither libsql, https nor http");
            }
            if (scheme.equals("http") && uri.getPort() < 0) {
                throw invalid(connection, "a plain http:// URL must give a port (sqld listens on 8080 by default)");
            }
            http = scheme;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new LibsqlConnectionString(URI.create(http + "://" + uri.getRawAuthority() + path), token);
    }

    /**
     * {@code token} when it can go into an {@code Authorization} header: non-blank printable ASCII without spaces.
     *
     * @throws ConfigurationException naming {@code what}, never showing the token
     */
    public static String checkedToken(@Nullable String token, String what) {
        if (token == null || token.isBlank()) {
            throw new ConfigurationException(what + " must be a non-blank token (a JWT such as turso db tokens"
                    + " create prints), was " + (token == null ? "null" : "blank"));
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new ConfigurationException(what + " must be printable ASCII without spaces (a JWT such as"
                        + " turso db tokens create prints); it holds a character that cannot go into an HTTP header at"
                        + " index " + i);
            }
        }
        return token;
    }

    /** Whether an '@' stands in {@code parameter}, name or value. */
    private static boolean holdsAt(QueryParameters.Parameter parameter) {
        String value = parameter.rawValue();
        return parameter.rawName().indexOf('@') >= 0 || value != null && value.indexOf('@') >= 0;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** The message names the connection without its query, and with its user information masked: secrets, maybe. */
    private static ConfigurationException invalid(String connection, String why) {
        return new ConfigurationException("invalid libSQL connection '" + ConnectionSecrets.withoutQuery(connection)
                + "': " + why
                + "; accepted forms are " + ACCEPTED_FORMS);
    }
}
