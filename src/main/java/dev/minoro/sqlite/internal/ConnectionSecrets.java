package dev.minoro.sqlite.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Masks the passwords and tokens in a connection string, for {@code toString()} and messages: string code that
 * finds where a secret stands by the form's own rules, without parsing or checking the rest. The one masker of
 * Minoro's configuration, its connection-string parsers and both drivers.
 */
public final class ConnectionSecrets {

    /** What stands in for a secret. */
    public static final String MASK = "****";

    /**
     * What a parameter or option holding a secret is called: {@code password}, {@code sslPassword},
     * {@code authToken}, {@code api_key}, SQLCipher's {@code key}, and the like, in any case.
     */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(pass|pwd|token|secret|api_?key|credential|encryption_?key).*|key|hexkey");

    /** A {@code name=} in a query string or key-value list, and the value after it. */
    private static final Pattern PARAMETER = Pattern.compile("(?:^|[?&;\\s])([^?&;=\\s]+)=");

    /**
     * A scheme, or r2dbc's (and JDBC's) colon-separated schemes, driver and protocol: {@code r2dbc:pool:postgresql},
     * {@code jdbc:postgresql}.
     */
    private static final Pattern SCHEME = Pattern.compile(
            "[A-Za-z][A-Za-z0-9+.-]*|(?i:r2dbc|jdbc)(:[A-Za-z][A-Za-z0-9+.-]*)+");

    /** A JSON Web Token, as Turso and sqld issue them: three base64url parts, which hold no '&', '?', '#' or '@'. */
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    /**
     * What may be a bearer token in a server's message: the credential after {@code Bearer}, or a JWT, whose
     * base64url header starts {@code eyJ} ({@code {"}).
     */
    private static final Pattern TOKEN_IN_TEXT = Pattern.compile(
            "(?<=(?i:bearer) )[^\\s\"',;]+|eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*)?");

    /**
     * A URL in a server's message: a scheme, {@code ://}, and what follows up to white space or a quote. (A scheme of
     * letters only, so that {@code r2dbc:postgresql://} is one URL from its first letter.)
     */
    private static final Pattern URL_IN_TEXT = Pattern.compile(
            "(?i)\\b(?:r2dbc:(?:pool:)?|jdbc:)?[a-z][a-z0-9+.-]*://[^\\s\"'<>`]+");

    private ConnectionSecrets() {
    }

    /**
     * {@return {@code text} from a server (an error message, which may echo the request's URL or its
     * {@code Authorization} header) with {@code token}, the value after any {@code Bearer}, anything that looks like
     * a JWT, and whatever could be a secret in every URL in it ({@link #mask}: a password, user information that may be
     * a token, an {@code authToken=} or {@code password=} parameter) masked}
     *
     * @param token the token the request carried, or null for none
     */
    public static String withoutTokens(String text, @Nullable CharSequence token) {
        String masked = token == null || token.length() == 0 ? text : text.replace(token, MASK);
        masked = URL_IN_TEXT.matcher(masked).replaceAll(url -> Matcher.quoteReplacement(mask(url.group())));
        return TOKEN_IN_TEXT.matcher(masked).replaceAll(MASK);
    }

    /**
     * {@return whether {@code secret} is a whole JWT} What follows one in a query cannot be part of it, so it may be
     * shown; what follows any other secret may be its rest, cut off at an unencoded '&'.
     */
    public static boolean isWholeJwt(CharSequence secret) {
        return JWT.matcher(secret).matches();
    }

    /**
     * {@return whether an option or query parameter named {@code name} (percent-encoded or not) holds a secret: its
     * value is masked, and what follows it in a query may be the rest of it}
     */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(percentDecoded(name)).matches();
    }

    /**
     * A valid connection string with its secrets masked. A libpq URI is masked where libpq reads its password
     * (the user information ends at the first '@' before any '/', so a later '@' stays, as in
     * {@code application_name=svc@host1}); an r2dbc URL where {@code java.net.URI} does; a libSQL URL, which holds
     * no user information, in its query ({@code authToken=}); anything else as {@link #mask} does.
     */
    public static String masked(String connection) {
        String lower = connection.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            return maskedLibpqUri(connection);
        }
        if (lower.startsWith("r2dbc:")) {
            return maskedR2dbcUrl(connection);
        }
        if (lower.startsWith("libsql:") || lower.startsWith("https:") || lower.startsWith("http:")) {
            boolean[] secret = new boolean[connection.length()];
            markParameters(connection, secret, true);
            return applied(connection, secret);
        }
        return mask(connection);
    }

    /**
     * Any text that may be a connection string, with whatever could be a password or token masked: everything
     * from the first ':' after a user name to the last '@' (too much at worst, when a later part holds an '@';
     * never too little, since a password pasted without percent-encoding may hold {@code / ? # @}), and the values
     * of parameters such as {@code password=} and {@code authToken=}, and all after such a value (unless it is a whole
     * JWT), which may hold an unencoded '&'. Only a PostgreSQL or r2dbc URL's user name is
     * shown: in any other form the whole user information is masked, since it may be a token pasted there
     * ({@code https://TOKEN@host}, {@code app://TO:KEN@host}), and so it is in text without a scheme's {@code ://},
     * unless it is a {@code file:} path.
     */
    public static String mask(String connection) {
        return applied(connection, marks(connection));
    }

    /**
     * {@link #mask} of {@code connection} without what follows its first '?' or '#' ({@code ?…} in its place): for a
     * message about a connection string that takes no query, or none such as it has. When an '@' follows the cut, a
     * password may hold the '?' or '#' it was made at: the text from the ':' of the user information on is masked
     * (all of it, in a form whose user information holds no user name).
     */
    public static String withoutQuery(String connection) {
        int scheme = schemeEnd(connection);
        int userStart = scheme < 0 ? 0 : scheme + 3;
        int cut = -1;
        for (int i = userStart; i < connection.length() && cut < 0; i++) {
            if (connection.charAt(i) == '?' || connection.charAt(i) == '#') {
                cut = i;
            }
        }
        if (cut < 0) {
            return mask(connection);
        }
        String shown = connection.substring(0, cut);
        boolean[] secret = marks(shown);
        int colon = shown.indexOf(':', userStart);
        if (!isFilePath(connection, scheme) && connection.indexOf('@', cut) >= 0) {
            if (!takesUserName(connection, scheme)) {
                mark(secret, userStart, cut);
            } else if (colon >= 0) {
                mark(secret, colon + 1, cut);
            }
        }
        return applied(shown, secret) + "?…";
    }

    /** What {@link #mask} masks in {@code connection}. */
    private static boolean[] marks(String connection) {
        boolean[] secret = new boolean[connection.length()];
        int scheme = schemeEnd(connection);
        int userStart = scheme < 0 ? 0 : scheme + 3;
        int at = connection.lastIndexOf('@');
        int colon = connection.indexOf(':', userStart);
        if (!isFilePath(connection, scheme) && at >= userStart) {
            if (!takesUserName(connection, scheme)) {
                // a form that takes no user name there (https://TOKEN@host), or one Minoro does not know: the whole
                // user information may be a token, ':' and all
                mark(secret, userStart, at);
            } else if (colon >= 0 && colon < at) {
                // an '@' before the ':' too ("us@er:pw@host") is one in the user name
                mark(secret, colon + 1, at);
            }
        }
        markParameters(connection, secret, scheme >= 0);
        markAfterSecretParameter(connection, secret);
        return secret;
    }

    /**
     * Whether {@code connection}, whose scheme ends at {@code scheme}, is of a form whose user information starts
     * with a user name ({@code postgres://user@host}, {@code r2dbc:postgresql://user@host}, a JDBC URL), which may
     * be shown;
     * any other holds no user name (a libSQL URL) or one Minoro cannot tell from a token.
     */
    private static boolean takesUserName(String connection, int scheme) {
        if (scheme < 0) {
            return false;
        }
        String name = connection.substring(0, scheme).toLowerCase(Locale.ROOT);
        return name.equals("postgres") || name.equals("postgresql") || name.startsWith("r2dbc:")
                || name.startsWith("jdbc:");
    }

    /** Whether {@code connection}, whose scheme ends at {@code scheme}, is a {@code file:} path, without user info. */
    private static boolean isFilePath(String connection, int scheme) {
        return scheme < 0 && connection.regionMatches(true, 0, "file:", 0, 5);
    }

    /**
     * {@return where the {@code ://} after a scheme ({@code libsql}, {@code r2dbc:pool:postgresql}) starts, or -1}
     * One that follows anything else ({@code user:pa://ss@host}) is part of a user name or password.
     */
    private static int schemeEnd(String connection) {
        int end = connection.indexOf("://");
        return end > 0 && SCHEME.matcher(connection.substring(0, end)).matches() ? end : -1;
    }

    /**
     * A libpq URI masked as libpq reads it: the password from the first ':' of the user information to its
     * end, the first '@' before any '/'; and each secret parameter, its name percent-decoded, up to the next '&'.
     */
    private static String maskedLibpqUri(String connection) {
        boolean[] secret = new boolean[connection.length()];
        int start = connection.indexOf("://") + 3;
        int at = -1;
        for (int i = start; i < connection.length() && connection.charAt(i) != '/'; i++) {
            if (connection.charAt(i) == '@') {
                at = i;
                break;
            }
        }
        int colon = at < 0 ? -1 : connection.indexOf(':', start);
        if (colon >= 0 && colon < at) {
            mark(secret, colon + 1, at);
        }
        int query = connection.indexOf('?', Math.max(at, start));
        if (query >= 0) {
            markParameters(connection.substring(0, query) + "&" + connection.substring(query + 1), secret, true);
        }
        return applied(connection, secret);
    }

    /**
     * An r2dbc URL masked as {@code java.net.URI} reads it: the authority ends at the first '/', '?' or '#', and
     * the user information at its last '@'; then the values of parameters such as {@code sslPassword=}.
     */
    private static String maskedR2dbcUrl(String connection) {
        int schemeEnd = connection.indexOf("://");
        if (schemeEnd < 0) {
            return mask(connection);
        }
        boolean[] secret = new boolean[connection.length()];
        int start = schemeEnd + 3;
        int end = start;
        while (end < connection.length() && "/?#".indexOf(connection.charAt(end)) < 0) {
            end++;
        }
        int at = connection.lastIndexOf('@', end - 1);
        int colon = at < start ? -1 : connection.indexOf(':', start);
        if (colon >= 0 && colon < at) {
            mark(secret, colon + 1, at);
        }
        markParameters(connection, secret, true);
        return applied(connection, secret);
    }

    /**
     * Marks the value of each secret parameter in {@code text}: in a URL ({@code url}) up to the next '&', which
     * alone ends a value there; elsewhere (a key-value list) up to the next '&', ';' or white space.
     */
    private static void markParameters(String text, boolean[] secret, boolean url) {
        Matcher parameter = PARAMETER.matcher(text);
        while (parameter.find()) {
            if (!isSecretName(parameter.group(1))) {
                continue;
            }
            int valueStart = parameter.end();
            int valueEnd = valueStart;
            while (valueEnd < text.length() && (url ? "&" : "&;").indexOf(text.charAt(valueEnd)) < 0
                    && (url || !Character.isWhitespace(text.charAt(valueEnd)))) {
                valueEnd++;
            }
            mark(secret, valueStart, Math.min(valueEnd, secret.length));
        }
    }

    /**
     * Marks everything after the value of the first secret parameter that is not a whole JWT: in a string of no
     * known form, nothing says where such a value ends ({@code password=p&ss@…} holds an unencoded '&', and
     * {@code password=p ss} a blank).
     */
    private static void markAfterSecretParameter(String text, boolean[] secret) {
        Matcher parameter = PARAMETER.matcher(text);
        while (parameter.find()) {
            if (isSecretName(parameter.group(1))) {
                int valueEnd = parameter.end();
                while (valueEnd < text.length() && "&;".indexOf(text.charAt(valueEnd)) < 0
                        && !Character.isWhitespace(text.charAt(valueEnd))) {
                    valueEnd++;
                }
                if (!isWholeJwt(text.substring(parameter.end(), valueEnd))) {
                    mark(secret, parameter.end(), text.length());
                }
                return;
            }
        }
    }

    private static void mark(boolean[] secret, int from, int to) {
        for (int i = from; i < to; i++) {
            secret[i] = true;
        }
    }

    /** {@code text} with each run of marked characters replaced by {@link #MASK}. */
    private static String applied(String text, boolean[] secret) {
        StringBuilder masked = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!secret[i]) {
                masked.append(text.charAt(i));
            } else if (i == 0 || !secret[i - 1]) {
                masked.append(MASK);
            }
        }
        return masked.toString();
    }

    /** {@code %XX} escapes of ASCII characters decoded; anything else left as it is. */
    private static String percentDecoded(String text) {
        StringBuilder decoded = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = c == '%' && i + 2 < text.length() ? AsciiDigits.hexValue(text.charAt(i + 1)) : -1;
            int low = high >= 0 ? AsciiDigits.hexValue(text.charAt(i + 2)) : -1;
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
