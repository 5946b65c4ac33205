package dev.minoro.internal.database;

import static dev.minoro.internal.database.PostgresConnectionString.CONNECT_TIMEOUT;
import static dev.minoro.internal.database.PostgresConnectionString.DEFAULT_APPLICATION_NAME;
import static dev.minoro.internal.database.PostgresConnectionString.DEFAULT_PORT;
import static dev.minoro.internal.database.PostgresConnectionString.indexOfAny;
import static dev.minoro.internal.database.PostgresConnectionString.invalid;
import static dev.minoro.internal.database.PostgresConnectionString.quote;
import static dev.minoro.internal.database.PostgresConnectionString.shown;

import dev.minoro.ConfigurationException;
import dev.minoro.sqlite.internal.AsciiDigits;
import dev.minoro.sqlite.internal.ConnectionSecrets;
import dev.minoro.sqlite.internal.OptionNames;
import io.r2dbc.pool.PoolingConnectionFactoryProvider;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The parser of r2dbc URLs ({@code r2dbc:postgresql://}, {@code r2dbc:pool:postgresql://}) into a
 * {@link PostgresConnectionString}: passed through to {@link ConnectionFactoryOptions#parse}, with their option
 * names checked.
 */
final class R2dbcUrl {

    /** r2dbc-postgresql's simple duration: a number with an optional unit. */
    private static final Pattern SIMPLE_DURATION = Pattern.compile("([+-]?[0-9]{1,18})([a-zA-Z]{0,2})");

    /** Every option r2dbc-postgresql reads, as the SPI and the driver name them. */
    private static final Set<String> DRIVER_OPTIONS = OptionNames.declaredBy(ConnectionFactoryOptions.class,
            PostgresqlConnectionFactoryProvider.class);

    /** The driver's options whose values it parses as whole numbers, with {@code Integer.parseInt}. */
    private static final Set<String> WHOLE_NUMBER_OPTIONS = OptionNames.ofTypeDeclaredBy(Integer.class,
            PostgresqlConnectionFactoryProvider.class);

    /** r2dbc-pool's options: Minoro builds its own pool from DatabaseConfig. */
    private static final Set<String> POOL_OPTIONS = OptionNames.declaredBy(PoolingConnectionFactoryProvider.class);

    /** What an unknown option may be a misspelling of: the driver's options and the pool's (refused for a reason). */
    private static final Set<String> NEAR_MISSES_OF = nearMissesOf();

    /** The options r2dbc-spi refuses in an r2dbc URL's query, with a message that quotes the URL, password and all. */
    private static final Set<String> NOT_IN_QUERY = Set.of(ConnectionFactoryOptions.DATABASE.name(),
            ConnectionFactoryOptions.DRIVER.name(), ConnectionFactoryOptions.HOST.name(),
            ConnectionFactoryOptions.PASSWORD.name(), ConnectionFactoryOptions.PORT.name(),
            ConnectionFactoryOptions.PROTOCOL.name(), ConnectionFactoryOptions.USER.name());

    /** Why a query parameter before an '@' that follows the authority is not shown. */
    private static final String SPILLED = "it comes before a later '@', and may be part of a password split there;"
            + " percent-encode '@', '/', '?', '#', '%' and '+' in the user name and password";

    /** Why a query parameter after a secret one is not shown. */
    private static final String AFTER_SECRET = "it follows a secret option, and may be the rest of a secret value"
            + " holding an unencoded '&'; write '&' there as %26";

    private R2dbcUrl() {
    }

    /**
     * Refuses what r2dbc-spi's parser would drop or misreport in the query: a parameter without {@code =}, which it
     * drops without a word (a misspelled option, or a password pasted in the wrong place, would then be ignored and
     * shown by {@code toString()}), and an option it does not allow there, such as {@code password}. Neither message
     * shows a value, nor a parameter without {@code =}, which may be one.
     *
     * @param lastSpillAt the last '@' of the URL when one stands after the authority, where a password holding '@'
     *                    and then '?' would have split the URL, else -1
     * @return for each parameter whose name and value no message may show, why: it starts before
     *         {@code lastSpillAt}, and may be part of a password split there, or it follows a secret one
     *         ({@code sslPassword=…}), and may be the rest of a secret holding an unencoded '&'
     */
    private static Map<String, String> checkQuery(String connection, int lastSpillAt) {
        Map<String, String> hidden = new HashMap<>();
        int query = connection.indexOf('?');
        if (query < 0) {
            return hidden;
        }
        for (QueryParameters.Parameter parameter : QueryParameters.of(connection, query + 1, lastSpillAt)) {
            if (parameter.rawValue() == null) {
                throw invalid("query parameter " + parameter.number() + " of the r2dbc URL has no '=' (not shown: it"
                        + " may be a secret); each option is written name=value, such as sslMode=require"
                        + (parameter.afterSecret() ? ", and '&' in a secret value is written %26" : ""));
            }
            String name = parameter.rawName();
            if (name.isEmpty()) {
                throw invalid("query parameter " + parameter.number() + " of the r2dbc URL has no name (not shown: it"
                        + " may be a piece of a secret holding an unencoded '&', which is written %26); each option is"
                        + " written name=value");
            }
            if (NOT_IN_QUERY.contains(name)) {
                throw invalid("an r2dbc URL cannot give '" + name + "' as a query parameter; write it in the URL"
                        + " itself: r2dbc:postgresql://user:password@host:port/database");
            }
            String why = parameter.spilled() ? SPILLED : parameter.afterSecret() ? AFTER_SECRET : null;
            if (why != null) {
                // under the name r2dbc-spi reads too, percent-decoded
                hidden.put(name, why);
                try {
                    hidden.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), why);
                } catch (IllegalArgumentException e) {
                    // r2dbc-spi refuses the URL
                }
            }
        }
        return hidden;
    }

    static PostgresConnectionString parse(String connection) {
        String scheme = connection.substring(0, Math.max(0, connection.indexOf("://")));
        if (!scheme.equals(scheme.toLowerCase(Locale.ROOT))) {
            // r2dbc-spi takes "r2dbc:" and the driver's name in lower case only, and refuses the rest as not a URL
            throw invalid("an r2dbc URL's scheme is read in lower case only: write r2dbc:postgresql:// or"
                    + " r2dbc:pool:postgresql://");
        }
        // an '@' after the authority: a password with an unencoded '@' and '?' may have split the URL there, so that
        // no option name or value of the query is shown
        boolean passwordMaySpill = checkUserInfoAndPort(connection);
        Map<String, String> hidden = checkQuery(connection, passwordMaySpill ? connection.lastIndexOf('@') : -1);
        ConnectionFactoryOptions parsed;
        try {
            parsed = ConnectionFactoryOptions.parse(connection);
        } catch (IllegalArgumentException e) {
            // The SPI's message may quote the URL, password and all: say what is wrong without it, and drop the
            // exception, whose message is the cause's too.
            throw invalid(whyNotAUrl(connection));
        }
        String driver = String.valueOf(parsed.getValue(ConnectionFactoryOptions.DRIVER));
        boolean pooled = driver.equals(PoolingConnectionFactoryProvider.POOLING_DRIVER);
        Object protocolValue = parsed.getValue(ConnectionFactoryOptions.PROTOCOL);
        String protocol = protocolValue == null ? "" : protocolValue.toString();
        // r2dbc:pool:postgresql:x://: the pool's protocol is the pooled driver, then that driver's own protocol (x)
        int colon = pooled ? protocol.indexOf(':') : -1;
        String pooledDriver = colon < 0 ? protocol : protocol.substring(0, colon);
        String afterDriver = !pooled ? protocol : colon < 0 ? "" : protocol.substring(colon + 1);
        if (!afterDriver.isEmpty()) {
            // r2dbc-spi splits at the last "://": one in a password ("user:pa://ss@host") makes the rest a protocol
            throw invalid(OptionNames.looksLikeAName(afterDriver)
                    ? "the r2dbc URL names a protocol after the driver, which Minoro does not use (one host, over TCP):"
                            + " write r2dbc:postgresql://host or r2dbc:pool:postgresql://host"
                    : "the r2dbc URL names more than a driver before its '://' (not shown: a password holding '://'"
                            + " splits a URL that way); percent-encode ':' and '/' in the user name and password as %3A"
                            + " and %2F");
        }
        if (pooled) {
            if (!isPostgres(pooledDriver)) {
                throw invalid("r2dbc:pool: URLs must pool PostgreSQL (r2dbc:pool:postgresql://...)");
            }
            ConnectionFactoryOptions.Builder unpooled = ConnectionFactoryOptions.builder()
                    .from(parsed, o -> !o.equals(ConnectionFactoryOptions.PROTOCOL))
                    .option(ConnectionFactoryOptions.DRIVER, pooledDriver);
            if (colon >= 0) {
                unpooled.option(ConnectionFactoryOptions.PROTOCOL, afterDriver);
            }
            parsed = unpooled.build();
        } else if (!isPostgres(driver)) {
            throw invalid("the r2dbc driver must be postgresql, was " + quote(driver));
        }

        for (String name : new TreeSet<>(OptionNames.of(parsed))) {
            if (POOL_OPTIONS.contains(name)) {
                throw new ConfigurationException("r2dbc URL option " + quote(name) + " configures a pool;"
                        + " Minoro builds its own from DatabaseConfig (withPoolSize, withAcquireTimeout,"
                        + " withMaxIdleTime, withMaxLifetime)");
            }
            if (WHOLE_NUMBER_OPTIONS.contains(name)
                    && parsed.getValue(Option.valueOf(name)) instanceof CharSequence text
                    && AsciiDigits.hasOtherScriptDigit(text)) {
                throw new ConfigurationException("option " + quote(name) + " of the r2dbc URL holds a digit other than"
                        + " ASCII 0-9 (not shown), which r2dbc-postgresql would read as the digit it looks like;"
                        + " write the number with 0-9");
            }
            if (!DRIVER_OPTIONS.contains(name)) {
                String understood = "; r2dbc-postgresql understands " + String.join(", ", new TreeSet<>(DRIVER_OPTIONS))
                        + " (option names are case-sensitive)";
                if (hidden.containsKey(name)) {
                    throw new ConfigurationException("unknown option in the r2dbc URL (not shown: " + hidden.get(name)
                            + ")" + understood);
                }
                throw new ConfigurationException("unknown option " + OptionNames.quoted(name) + " in the r2dbc URL"
                        + OptionNames.suggestion(name, NEAR_MISSES_OF) + understood);
            }
        }
        Object hostValue = parsed.getValue(ConnectionFactoryOptions.HOST);
        if (hostValue == null) {
            throw invalid("the r2dbc URL names no host");
        }
        Object userValue = parsed.getValue(ConnectionFactoryOptions.USER);
        if (userValue == null) {
            throw invalid("the r2dbc URL names no user (r2dbc:postgresql://user:password@host/database)");
        }
        Object portValue = parsed.getValue(ConnectionFactoryOptions.PORT);
        int port;
        try {
            port = portValue == null ? DEFAULT_PORT : Integer.parseInt(portValue.toString());
        } catch (NumberFormatException e) {
            throw invalid("the port is not a number between 1 and 65535");
        }
        if (port < 1 || port > 65535) {
            throw invalid("the port must be between 1 and 65535, was " + port);
        }
        checkDecoded(connection, userValue, "the user name", false);
        checkDecoded(connection, parsed.getValue(ConnectionFactoryOptions.PASSWORD), "the password", true);
        checkDecoded(connection, hostValue, "the host", false);
        checkDecoded(connection, parsed.getValue(ConnectionFactoryOptions.DATABASE), "the database name", false);
        Duration connectTimeout = connectTimeoutOf(parsed,
                hidden.get(ConnectionFactoryOptions.CONNECT_TIMEOUT.name()));
        if (connectTimeout != null) {
            // The driver would read a string itself; give it the value Minoro bounds the set-up with.
            parsed = parsed.mutate().option(ConnectionFactoryOptions.CONNECT_TIMEOUT, connectTimeout).build();
        }
        Object databaseValue = parsed.getValue(ConnectionFactoryOptions.DATABASE);
        Object rootCertValue = parsed.getValue(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT);
        SSLMode sslMode = sslModeOf(parsed, hidden);
        if (!parsed.hasOption(PostgresqlConnectionFactoryProvider.APPLICATION_NAME)) {
            parsed = parsed.mutate()
                    .option(PostgresqlConnectionFactoryProvider.APPLICATION_NAME, DEFAULT_APPLICATION_NAME)
                    .build();
        }
        return new PostgresConnectionString(parsed, hostValue.toString(), port,
                databaseValue == null ? null : databaseValue.toString(), userValue.toString(), sslMode,
                rootCertValue == null ? null : rootCertValue.toString(), null, connectTimeout);
    }

    /**
     * Refuses what r2dbc-spi's parser (java.net.URI, then the last '@' of the authority) would read otherwise
     * than meant. The authority ends at the first '/', '?' or
     * '#', so a password holding one of them loses its host; a second '@' ends up in the host or port; and
     * '+' in the user information decodes to a space. Messages never show the user information.
     *
     * @return whether an '@' stands after the authority (in the query: in the path or after '#' it is refused), where
     *         a password holding '@' and then '?' would have split the URL
     */
    private static boolean checkUserInfoAndPort(String connection) {
        int schemeEnd = connection.indexOf("://");
        if (schemeEnd < 0) {
            // ConnectionFactoryOptions.parse refuses it.
            return false;
        }
        int start = schemeEnd + 3;
        int end = indexOfAny(connection, "/?#", start);
        int at = connection.lastIndexOf('@', end - 1);
        if (at < start) {
            if (connection.indexOf('@', end) >= 0) {
                throw invalid("the r2dbc URL names no user before its host; if the user name or password holds"
                        + " '/', '?' or '#', percent-encode them (as %2F, %3F, %23)");
            }
            checkPathAndFragment(connection, end);
            return false;
        }
        if (connection.indexOf('@', start) != at) {
            throw invalid("the user information of the r2dbc URL holds an '@'; percent-encode '@' in the user"
                    + " name and password as %40 (and '/', '?', '#', '%', '+' as %2F, %3F, %23, %25, %2B)");
        }
        String userInfo = connection.substring(start, at);
        if (userInfo.indexOf('+') >= 0) {
            throw invalid("the user name or password of the r2dbc URL holds a '+', which r2dbc URLs read as a"
                    + " space; write '+' as %2B (and a space as %20)");
        }
        String hostAndPort = connection.substring(at + 1, end);
        int portStart = hostAndPort.startsWith("[") ? hostAndPort.indexOf("]:") + 1 : hostAndPort.lastIndexOf(':');
        if (portStart > 0 && !hostAndPort.substring(portStart + 1).matches("[0-9]{0,5}")) {
            throw invalid("the port is not a number between 1 and 65535");
        }
        checkPathAndFragment(connection, end);
        return connection.indexOf('@', end) >= 0;
    }

    /**
     * Refuses a '#', after which r2dbc-spi drops the rest of the URL without a word, and an '@' in the path: both most
     * likely come from a password holding '@' and '/' or '#', which then lost its end to the host and path (user:p at
     * host "ss", database "w0rd@host/db"). Neither message shows what follows.
     */
    private static void checkPathAndFragment(String connection, int authorityEnd) {
        if (connection.indexOf('#', authorityEnd) >= 0) {
            throw invalid("the r2dbc URL holds a '#', after which r2dbc URLs drop the rest (not shown: it may be part"
                    + " of a password); percent-encode '#' as %23, and '@', '/', '?', '%' and '+' in the user name and"
                    + " password as %40, %2F, %3F, %25, %2B");
        }
        int query = connection.indexOf('?', authorityEnd);
        int pathEnd = query < 0 ? connection.length() : query;
        if (connection.lastIndexOf('@', pathEnd - 1) >= authorityEnd) {
            throw invalid("the path of the r2dbc URL holds an unencoded '@' (not shown: a password holding '@' and '/'"
                    + " splits a URL that way); percent-encode '@' and '/' in the user name and password as %40 and"
                    + " %2F,"
                    + " and '@' in a database name as %40");
        }
    }

    /**
     * Why r2dbc-spi (java.net.URI) refused {@code connection}, naming the part where it went wrong without showing it:
     * a '%' that starts no %XX escape, or a character a URL takes only percent-encoded.
     */
    private static String whyNotAUrl(String connection) {
        int start = connection.indexOf("://") + 3;
        int end = indexOfAny(connection, "/?#", start);
        int at = connection.lastIndexOf('@', end - 1);
        for (int i = start; i < connection.length(); i++) {
            char c = connection.charAt(i);
            boolean badEscape = c == '%' && (i + 2 >= connection.length()
                    || AsciiDigits.hexValue(connection.charAt(i + 1)) < 0
                    || AsciiDigits.hexValue(connection.charAt(i + 2)) < 0);
            boolean illegal = c <= ' ' || c >= 0x7f && !Character.isLetterOrDigit(c) || "\"<>\\^`{|}".indexOf(c) >= 0
                    || (c == '[' || c == ']') && (i < at || i >= end);
            if (!badEscape && !illegal) {
                continue;
            }
            String part;
            if (i < at) {
                int colon = connection.indexOf(':', start);
                part = colon >= 0 && colon < i ? "the password" : "the user name";
            } else if (i < end) {
                part = "the host or port";
            } else if (connection.charAt(end) == '/' && i < indexOfAny(connection, "?#", end)) {
                part = "the database name";
            } else {
                part = "the query";
            }
            return badEscape
                    ? part + " of the r2dbc URL has a '%' that does not start a %XX escape (not shown); write a"
                            + " literal '%' as %25"
                    : part + " of the r2dbc URL holds a character that URLs take only percent-encoded (not shown);"
                            + " percent-encode spaces and the characters \" < > \\ ^ ` { | } [ ] (a space as %20)";
        }
        return "it is not a valid r2dbc URL (percent-encode spaces and the characters \" < > \\ ^ ` { | } [ ] in the"
                + " user name and password, and write a literal '%' as %25)";
    }

    /** r2dbc-spi decodes malformed UTF-8 to U+FFFD and lets %00 through: refuse both, as libpq does. */
    private static void checkDecoded(String connection, @Nullable Object value, String what, boolean secret) {
        if (value == null) {
            return;
        }
        String text = value.toString();
        if (text.indexOf('\uFFFD') >= 0 && connection.indexOf('\uFFFD') < 0) {
            throw invalid(what + " is not valid UTF-8 once percent-decoded");
        }
        if (text.indexOf('\0') >= 0) {
            throw invalid(what + " holds a NUL character (%00), which PostgreSQL cannot take");
        }
        if (!secret && text.isEmpty()) {
            throw invalid(what + " is empty");
        }
    }

    /**
     * The connect timeout the URL sets, read as r2dbc-postgresql reads it: an ISO-8601 duration
     * ({@code PT10S}) or a number with an optional unit ({@code 10s}, {@code 500ms}; milliseconds without).
     */
    private static @Nullable Duration connectTimeoutOf(ConnectionFactoryOptions options, @Nullable String why) {
        Object value = options.getValue(ConnectionFactoryOptions.CONNECT_TIMEOUT);
        if (value == null || value instanceof Duration) {
            return (Duration) value;
        }
        String text = value.toString().strip();
        Matcher simple = SIMPLE_DURATION.matcher(text);
        try {
            if (simple.matches()) {
                long amount = Long.parseLong(simple.group(1));
                String unit = simple.group(2).toLowerCase(Locale.ROOT);
                switch (unit) {
                    case "ns":
                        return Duration.ofNanos(amount);
                    case "us":
                        return Duration.ofNanos(Math.multiplyExact(amount, 1000L));
                    case "":
                    case "ms":
                        return Duration.ofMillis(amount);
                    case "s":
                        return Duration.ofSeconds(amount);
                    case "m":
                        return Duration.ofMinutes(amount);
                    case "h":
                        return Duration.ofHours(amount);
                    case "d":
                        return Duration.ofDays(amount);
                    default:
                        break;
                }
            } else {
                return Duration.parse(text);
            }
        } catch (ArithmeticException | DateTimeParseException e) {
            // fall through to the message below
        }
        throw new ConfigurationException("connectTimeout must be a duration such as PT10S or 10s, was "
                + shown(text, why));
    }

    private static boolean isPostgres(String driver) {
        return driver.equals(PostgresqlConnectionFactoryProvider.POSTGRESQL_DRIVER)
                || driver.equals(PostgresqlConnectionFactoryProvider.LEGACY_POSTGRESQL_DRIVER);
    }

    /** The driver's SSL mode for these options: its own default is disable, ssl=true means verify-full. */
    private static SSLMode sslModeOf(ConnectionFactoryOptions options, Map<String, String> hidden) {
        Object mode = options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE);
        String why = hidden.get(PostgresqlConnectionFactoryProvider.SSL_MODE.name());
        if (mode == null) {
            mode = options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE_ALIAS);
            why = hidden.get(PostgresqlConnectionFactoryProvider.SSL_MODE_ALIAS.name());
        }
        if (mode instanceof SSLMode) {
            return (SSLMode) mode;
        }
        if (mode != null) {
            try {
                return SSLMode.fromValue(mode.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("sslMode must be one of disable, allow, prefer, require,"
                        + " verify-ca, verify-full, was " + shown(mode.toString(), why));
            }
        }
        Object ssl = options.getValue(ConnectionFactoryOptions.SSL);
        return ssl != null && Boolean.parseBoolean(ssl.toString()) ? SSLMode.VERIFY_FULL : SSLMode.DISABLE;
    }

    private static Set<String> nearMissesOf() {
        Set<String> names = new TreeSet<>(DRIVER_OPTIONS);
        names.addAll(POOL_OPTIONS);
        return Collections.unmodifiableSet(names);
    }
}
