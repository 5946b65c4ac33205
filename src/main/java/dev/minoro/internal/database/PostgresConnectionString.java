package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import io.r2dbc.pool.PoolingConnectionFactoryProvider;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.ChannelBindingMode;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL connection string, parsed and translated into r2dbc-postgresql's options: a libpq URI
 * ({@code postgres://} or {@code postgresql://}, as Neon, Supabase, RDS and {@code .env} files hand them
 * out) or an r2dbc URL ({@code r2dbc:postgresql://}, {@code r2dbc:pool:postgresql://}), passed through.
 *
 * <p>libpq URIs keep libpq's meanings: user, password and database are percent-decoded; the port defaults
 * to 5432 and the database to the user name; {@code sslmode} defaults to {@code prefer}, and
 * {@code require} with an {@code sslrootcert} verifies the certificate authority as {@code verify-ca}
 * does. Unknown parameters and bad values fail with a {@link ConfigurationException} that names them and
 * never shows the password.
 */
public final class PostgresConnectionString implements ConnectionTarget {

    static final String ACCEPTED_FORMS = "postgres://user:password@host:5432/database?sslmode=require,"
            + " postgresql://…, r2dbc:postgresql://… or r2dbc:pool:postgresql://…";

    /** The port PostgreSQL listens on unless told otherwise. */
    static final int DEFAULT_PORT = 5432;

    /** What {@code pg_stat_activity} shows for Minoro's connections unless {@code application_name} says otherwise. */
    static final String DEFAULT_APPLICATION_NAME = "minoro";

    /** The libpq parameters Minoro understands in a URI's query, in the order messages list them. */
    private static final List<String> LIBPQ_PARAMETERS = List.of("sslmode", "sslrootcert", "application_name",
            "connect_timeout", "options", "channel_binding", "pgbouncer", "host", "port", "user", "password",
            "dbname", "ssl");

    /** The parameters whose values are free text, where an '@' may belong. */
    private static final Set<String> FREE_TEXT_PARAMETERS = Set.of("user", "password", "dbname", "application_name",
            "options", "sslrootcert");

    /** r2dbc-postgresql's simple duration: a number with an optional unit. */
    private static final Pattern SIMPLE_DURATION = Pattern.compile("([+-]?[0-9]{1,18})([a-zA-Z]{0,2})");

    /** libpq's connect_timeout: an integer, with white space around it allowed. */
    private static final Pattern CONNECT_TIMEOUT = Pattern.compile("\\s*([+-]?[0-9]{1,10})\\s*");

    /**
     * The start of "host[:port]?name=": a URI without a path whose query holds an '@', which libpq reads as
     * user information. A real user name and password almost never look like it.
     */
    private static final Pattern HOST_AND_QUERY = Pattern.compile("[^:?@/]*(:[0-9]*)?\\?[A-Za-z_][A-Za-z0-9_]*=");

    /** What a parameter name can look like; anything else is not shown in a message. */
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

    /** A libpq {@code -c name=value} setting name: a GUC, possibly with a dotted prefix. */
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$]*");

    private final ConnectionFactoryOptions options;
    private final String host;
    private final int port;
    private final @Nullable String database;
    private final String user;
    private final SSLMode sslMode;
    private final @Nullable String sslRootCert;
    private final @Nullable Boolean pgbouncer;
    private final @Nullable Duration connectTimeout;

    private PostgresConnectionString(ConnectionFactoryOptions options, String host, int port, @Nullable String database,
            String user, SSLMode sslMode, @Nullable String sslRootCert, @Nullable Boolean pgbouncer,
            @Nullable Duration connectTimeout) {
        this.options = options;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.sslMode = sslMode;
        this.sslRootCert = sslRootCert;
        this.pgbouncer = pgbouncer;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Parses a libpq URI or an r2dbc URL.
     *
     * @throws ConfigurationException when it is neither, is malformed, or has an unknown parameter or a bad
     *                                value; the message names the part or parameter and never the password
     */
    public static PostgresConnectionString parse(String connection) {
        if (!connection.strip().equals(connection)) {
            throw invalid("it has leading or trailing white space");
        }
        String lower = connection.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            return LibpqUri.parse(connection);
        }
        if (lower.startsWith("r2dbc:postgresql:") || lower.startsWith("r2dbc:pool:postgresql:")
                || lower.startsWith("r2dbc:postgres:") || lower.startsWith("r2dbc:pool:postgres:")) {
            return R2dbcUrl.parse(connection);
        }
        Matcher scheme = SCHEME.matcher(connection);
        String startsWith = scheme.lookingAt() ? " (it starts with '" + scheme.group() + "')" : "";
        throw invalid("it is neither a libpq URI nor an r2dbc URL" + startsWith);
    }

    @Override
    public Database open(DatabaseConfig config) {
        return PostgresDatabases.open(config, this);
    }

    /** As {@link #open}: what the statements do decides whether anything is written. */
    @Override
    public Database openToRead(DatabaseConfig config) {
        return open(config);
    }

    /** The options for r2dbc-postgresql's {@code PostgresqlConnectionFactoryProvider.builder(...)}. */
    public ConnectionFactoryOptions options() {
        return options;
    }

    /** The host, as given. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The database, or null when the server picks it (the user name). */
    public @Nullable String database() {
        return database;
    }

    public String user() {
        return user;
    }

    /** The SSL mode the driver will use. */
    public SSLMode sslMode() {
        return sslMode;
    }

    /** The root certificate file to verify the server against, or null for the JVM's trusted authorities. */
    public @Nullable String sslRootCert() {
        return sslRootCert;
    }

    /** The URL's {@code pgbouncer} parameter, or null when it has none. */
    public @Nullable Boolean pgbouncer() {
        return pgbouncer;
    }

    /**
     * How long setting up one connection may take, all of it (TCP, SSL, start-up, authentication), as libpq's
     * {@code connect_timeout}; null for no limit of its own.
     */
    public @Nullable Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * What messages call this database: {@code PostgreSQL database 'app' on db.example.com:5432 as user
     * 'app'}. Never contains the password.
     */
    public String description() {
        return "PostgreSQL database '" + (database == null ? user : database) + "' on " + hostAndPort()
                + " as user '" + user + "'";
    }

    /** {@code host:port}, with an IPv6 literal in brackets. */
    public String hostAndPort() {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@link #description()}: never the password. */
    @Override
    public String toString() {
        return description();
    }

    private static ConfigurationException invalid(String why) {
        return new ConfigurationException("invalid PostgreSQL connection string: " + why + "; accepted forms are "
                + ACCEPTED_FORMS);
    }

    private static String quote(String value) {
        return "'" + value + "'";
    }

    /**
     * libpq's URI form, read as libpq's {@code conninfo_uri_parse_options} reads it (its rules differ from
     * java.net.URI's in the details that matter): the user information ends at the first '@' that comes
     * before any '/'; inside it the user name ends at the first ':' and the password takes the rest, so a
     * password may hold ':', '?' and '#' as they are; the host ends at ':', '/', '?' or ','; the database
     * name runs from the first '/' to the first '?'; parameters are split at '&' and then at the first '='.
     * Every part is percent-decoded and '+' stays '+'. libpq knows no fragment: '#' is an ordinary character.
     */
    private static final class LibpqUri {

        /** Where '@' most likely comes from where it makes no sense: a password pasted without encoding. */
        private static final String ENCODE_USER_INFO = "percent-encode '@', '/' and '%' in the user name and"
                + " password (as %40, %2F, %25)";

        private LibpqUri() {
        }

        static PostgresConnectionString parse(String connection) {
            int start = connection.indexOf("://") + 3;
            int end = connection.length();
            Map<String, String> values = new LinkedHashMap<>();

            int at = -1;
            for (int i = start; i < end && connection.charAt(i) != '/'; i++) {
                if (connection.charAt(i) == '@') {
                    at = i;
                    break;
                }
            }
            int p = start;
            if (at >= 0) {
                String userInfo = connection.substring(start, at);
                int colon = userInfo.indexOf(':');
                String rawUser = colon < 0 ? userInfo : userInfo.substring(0, colon);
                if (HOST_AND_QUERY.matcher(userInfo).lookingAt()) {
                    // libpq reads "host:5432?name=a@b" as user "host", password "5432?name=a", host b.
                    throw invalid("the part before the first '@' reads as a host and parameters, but libpq takes it"
                            + " for a user name and password, since no '/' comes before the '@'; put '/' between"
                            + " the host and '?' (postgresql://host:5432/?name=a@b) or write '@' in the value as %40");
                }
                if (!rawUser.isEmpty()) {
                    values.put("user", decode(rawUser, "the user name", false));
                }
                if (colon >= 0) {
                    String password = decode(userInfo.substring(colon + 1), "the password", true);
                    if (!password.isEmpty()) {
                        values.put("password", password);
                    }
                }
                p = at + 1;
            }

            String hostText;
            if (p < end && connection.charAt(p) == '[') {
                int close = connection.indexOf(']', p + 1);
                if (close < 0) {
                    throw invalid("the IPv6 address in the host part has no closing ']'");
                }
                if (close == p + 1) {
                    throw invalid("the IPv6 address in the host part is empty ([])");
                }
                hostText = connection.substring(p + 1, close);
                p = close + 1;
                if (p < end && ":/?,".indexOf(connection.charAt(p)) < 0) {
                    throw invalid("unexpected characters after the IPv6 address in the host part");
                }
            } else {
                int hostEnd = indexOfAny(connection, ":/?,", p);
                hostText = connection.substring(p, hostEnd);
                p = hostEnd;
            }
            if (hostText.indexOf('@') >= 0) {
                throw invalid("it has an '@' where none belongs; " + ENCODE_USER_INFO);
            }
            String portText = null;
            if (p < end && connection.charAt(p) == ':') {
                int portEnd = indexOfAny(connection, "/?,", p + 1);
                portText = connection.substring(p + 1, portEnd);
                p = portEnd;
            }
            if (p < end && connection.charAt(p) == ',') {
                throw severalHosts();
            }
            hostText = decode(hostText, "the host", false);
            if (!hostText.isEmpty()) {
                checkHost(hostText);
                values.put("host", hostText);
            }
            // An '@' after a host without user information: a password with an unencoded '/' may have split
            // the URI there, so nothing after the host is shown in a message.
            boolean passwordMaySpill = at < 0 && connection.indexOf('@', p) >= 0;
            if (portText != null) {
                String port = decode(portText, "the port", passwordMaySpill);
                if (!port.isEmpty()) {
                    parsePort(port, passwordMaySpill);
                    values.put("port", port);
                }
            }

            if (p < end && connection.charAt(p) == '/') {
                int pathEnd = connection.indexOf('?', p);
                pathEnd = pathEnd < 0 ? end : pathEnd;
                String rawDatabase = connection.substring(p + 1, pathEnd);
                if (passwordMaySpill && rawDatabase.indexOf('@') >= 0) {
                    throw invalid("the database name holds an '@' and the URI has no user information before the"
                            + " host: write '@' in a database name as %40, and " + ENCODE_USER_INFO);
                }
                if (!rawDatabase.isEmpty()) {
                    values.put("dbname", decode(rawDatabase, "the database name", false));
                }
                p = pathEnd;
            }
            if (p < end) {
                // What is left starts with '?'.
                parseQuery(connection, p + 1, values, passwordMaySpill);
            }
            return translate(values, passwordMaySpill);
        }

        private static ConfigurationException severalHosts() {
            return invalid("it names several hosts; Minoro connects to one host (put a load balancer or"
                    + " connection pooler in front of several)");
        }

        private static void checkHost(String host) {
            if (host.startsWith("/") || host.startsWith("@")) {
                throw invalid("host " + quote(host) + " is a Unix-domain socket, which Minoro does not support;"
                        + " connect over TCP (host=localhost)");
            }
            if (host.indexOf(',') >= 0) {
                throw severalHosts();
            }
            if (host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
                throw invalid("host " + quote(host) + " is not a host name or address");
            }
        }

        /**
         * Reads {@code name=value&...} from {@code from} on into {@code values}, as libpq does. Minoro is more lenient than libpq in two ways that change no meaning: an
         * empty pair ({@code &&}) is skipped, and a value may hold '=' (libpq wants %3D).
         */
        private static void parseQuery(String connection, int from, Map<String, String> values, boolean hideValues) {
            Set<String> seen = new LinkedHashSet<>();
            int pairStart = from;
            while (pairStart <= connection.length()) {
                int pairEnd = connection.indexOf('&', pairStart);
                pairEnd = pairEnd < 0 ? connection.length() : pairEnd;
                String pair = connection.substring(pairStart, pairEnd);
                pairStart = pairEnd + 1;
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), "a parameter name", hideValues);
                if (!LIBPQ_PARAMETERS.contains(name)) {
                    throw unknownParameter(name);
                }
                if (eq < 0) {
                    throw invalid("parameter " + name + " has no value (write " + name + "=value)");
                }
                boolean secret = name.equals("password");
                String value = decode(pair.substring(eq + 1), secret ? "the password" : "the value of " + name,
                        secret || hideValues);
                if (hideValues && value.indexOf('@') >= 0 && !FREE_TEXT_PARAMETERS.contains(name)) {
                    // Not a value this parameter can have: more likely part of a password split at a '/'.
                    throw invalid("the value of " + name + " holds an '@'; " + ENCODE_USER_INFO);
                }
                if (name.equals("ssl")) {
                    // libpq's one concession to JDBC URLs: ssl=true means sslmode=require; nothing else is accepted.
                    if (!value.equals("true")) {
                        throw new ConfigurationException("ssl must be true (libpq reads ssl=true as sslmode=require"
                                + " and accepts no other value); use sslmode=disable, allow, prefer, require,"
                                + " verify-ca or verify-full");
                    }
                    name = "sslmode";
                    value = "require";
                }
                if (!seen.add(name)) {
                    throw invalid("parameter " + name + " is given twice" + (name.equals("sslmode")
                            ? " (ssl=true means sslmode=require)" : ""));
                }
                if (values.containsKey(name)) {
                    throw invalid(name + " is given both in the URI and as a parameter");
                }
                if (name.equals("host") && !value.isEmpty()) {
                    checkHost(value);
                }
                if (name.equals("port") && value.indexOf(',') >= 0) {
                    throw severalHosts();
                }
                values.put(name, value);
            }
        }

        private static ConfigurationException unknownParameter(String name) {
            String hint = "";
            if (name.equalsIgnoreCase("schema") || name.equalsIgnoreCase("currentSchema")
                    || name.equalsIgnoreCase("search_path")) {
                hint = " (for Minoro's schema use DatabaseConfig.withSchema(...), or options=-c search_path=...)";
            } else if (name.equals("sslMode") || name.equals("sslRootCert") || name.equals("applicationName")
                    || name.equals("connectTimeout")) {
                hint = " (libpq URIs spell parameters in lower case with underscores)";
            }
            // A name no parameter could have may be part of a mistyped password: name the problem, not the text.
            String shown = PARAMETER_NAME.matcher(name).matches() ? "parameter " + quote(name)
                    : "a parameter whose name holds characters no parameter name has";
            return new ConfigurationException("unknown " + shown + " in the PostgreSQL connection string" + hint
                    + "; supported are " + String.join(", ", LIBPQ_PARAMETERS));
        }

        /**
         * @param hidePort whether the port may be part of a password and must not appear in a message
         */
        private static PostgresConnectionString translate(Map<String, String> values, boolean hidePort) {
            // As in libpq, an empty user, host, port, database or sslrootcert means the default.
            String user = valueOrDefault(values, "user", System.getProperty("user.name", "postgres"));
            String host = valueOrDefault(values, "host", "localhost");
            String portText = values.get("port");
            int port = parsePort(portText == null || portText.isEmpty() ? null : portText, hidePort);
            String database = valueOrDefault(values, "dbname", user);

            String rootCert = values.get("sslrootcert");
            if (rootCert != null && rootCert.isEmpty()) {
                rootCert = null;
            }
            boolean systemRoots = "system".equals(rootCert);
            String modeText = values.get("sslmode");
            SSLMode sslMode;
            if (modeText == null) {
                // libpq's default; sslrootcert=system makes it verify-full, as libpq 16 does
                sslMode = systemRoots ? SSLMode.VERIFY_FULL : SSLMode.PREFER;
            } else {
                sslMode = sslMode(modeText);
                if (systemRoots && sslMode != SSLMode.VERIFY_FULL) {
                    throw new ConfigurationException("sslmode " + quote(modeText) + " may not be used with"
                            + " sslrootcert=system (use sslmode=verify-full), as in libpq");
                }
                if (sslMode == SSLMode.REQUIRE && rootCert != null) {
                    // libpq: with a root certificate, require checks the certificate authority too
                    sslMode = SSLMode.VERIFY_CA;
                }
            }

            ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
                    .option(ConnectionFactoryOptions.DRIVER, PostgresqlConnectionFactoryProvider.POSTGRESQL_DRIVER)
                    .option(ConnectionFactoryOptions.HOST, host)
                    .option(ConnectionFactoryOptions.PORT, port)
                    .option(ConnectionFactoryOptions.USER, user)
                    .option(ConnectionFactoryOptions.DATABASE, database)
                    .option(PostgresqlConnectionFactoryProvider.SSL_MODE, sslMode)
                    .option(PostgresqlConnectionFactoryProvider.APPLICATION_NAME,
                            values.getOrDefault("application_name", DEFAULT_APPLICATION_NAME));
            String password = values.get("password");
            if (password != null) {
                options.option(ConnectionFactoryOptions.PASSWORD, password);
            }
            String sslRootCert = rootCert == null || systemRoots ? null : rootCert;
            if (sslRootCert != null) {
                options.option(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT, sslRootCert);
            }
            Duration connectTimeout = connectTimeout(values.get("connect_timeout"));
            if (connectTimeout != null) {
                options.option(ConnectionFactoryOptions.CONNECT_TIMEOUT, connectTimeout);
            }
            String startupOptions = values.get("options");
            if (startupOptions != null) {
                Map<String, String> settings = startupOptions(startupOptions);
                if (!settings.isEmpty()) {
                    options.option(PostgresqlConnectionFactoryProvider.OPTIONS, settings);
                }
            }
            String channelBinding = values.get("channel_binding");
            if (channelBinding != null) {
                options.option(PostgresqlConnectionFactoryProvider.CHANNEL_BINDING, channelBinding(channelBinding));
            }
            Boolean pgbouncer = values.containsKey("pgbouncer") ? bool("pgbouncer", values.get("pgbouncer")) : null;
            return new PostgresConnectionString(options.build(), host, port, database, user, sslMode, sslRootCert,
                    pgbouncer, connectTimeout);
        }

        private static String valueOrDefault(Map<String, String> values, String name, String defaultValue) {
            String value = values.get(name);
            return value == null || value.isEmpty() ? defaultValue : value;
        }

        private static int parsePort(@Nullable String text, boolean hide) {
            if (text == null) {
                return DEFAULT_PORT;
            }
            // The text may be part of a mistyped password: name the problem, not the value.
            String slash = hide ? "; if the password holds '/', percent-encode it as %2F" : "";
            if (!text.matches("[0-9]{1,5}")) {
                throw invalid("the port is not a number between 1 and 65535" + slash);
            }
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw invalid("the port must be between 1 and 65535" + (hide ? slash : ", was " + port));
            }
            return port;
        }

        private static SSLMode sslMode(String text) {
            switch (text) {
                case "disable":
                    return SSLMode.DISABLE;
                case "allow":
                    return SSLMode.ALLOW;
                case "prefer":
                    return SSLMode.PREFER;
                case "require":
                    return SSLMode.REQUIRE;
                case "verify-ca":
                    return SSLMode.VERIFY_CA;
                case "verify-full":
                    return SSLMode.VERIFY_FULL;
                default:
                    throw new ConfigurationException("sslmode must be one of " + String.join(", ", SSL_MODES)
                            + ", was " + quote(text));
            }
        }

        private static ChannelBindingMode channelBinding(String text) {
            switch (text) {
                case "disable":
                    return ChannelBindingMode.DISABLE;
                case "prefer":
                    return ChannelBindingMode.PREFER;
                case "require":
                    return ChannelBindingMode.REQUIRE;
                default:
                    throw new ConfigurationException("channel_binding must be one of disable, prefer, require, was "
                            + quote(text));
            }
        }

        /**
         * libpq's reading of {@code connect_timeout}: whole seconds, white space around them allowed; zero or
         * negative for no limit; 1 counts as 2, libpq's minimum.
         */
        private static @Nullable Duration connectTimeout(@Nullable String text) {
            if (text == null) {
                return null;
            }
            Matcher number = CONNECT_TIMEOUT.matcher(text);
            long seconds = number.matches() ? Long.parseLong(number.group(1)) : Long.MIN_VALUE;
            if (seconds < Integer.MIN_VALUE || seconds > Integer.MAX_VALUE) {
                throw new ConfigurationException("connect_timeout must be a whole number of seconds (0 for none),"
                        + " was " + quote(text));
            }
            return seconds <= 0 ? null : Duration.ofSeconds(Math.max(2, seconds));
        }

        private static boolean bool(String name, @Nullable String text) {
            String value = text == null ? "" : text.toLowerCase(Locale.ROOT);
            switch (value) {
                case "true":
                case "1":
                case "yes":
                case "on":
                    return true;
                case "false":
                case "0":
                case "no":
                case "off":
                    return false;
                default:
                    throw new ConfigurationException(name + " must be true or false, was " + quote(String.valueOf(text)));
            }
        }
    }

    /**
     * libpq's {@code options}: command-line switches for the server, separated by white space (a backslash
     * escapes the next character). Minoro accepts the settings among them, {@code -c name=value} or
     * {@code --name=value}, and sends each as a startup parameter, which the server applies the same way.
     */
    static Map<String, String> startupOptions(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String setting;
            if (w.equals("-c")) {
                if (i + 1 >= words.size()) {
                    throw new ConfigurationException("options: '-c' must be followed by name=value");
                }
                setting = words.get(++i);
            } else if (w.startsWith("-c")) {
                setting = w.substring(2);
            } else if (w.startsWith("--")) {
                setting = w.substring(2);
            } else {
                throw new ConfigurationException("options may only hold settings (-c name=value or --name=value),"
                        + " but has " + quote(w));
            }
            int eq = setting.indexOf('=');
            // The server takes '-' for '_' in switch names; do the same so the two spellings are one setting.
            String name = (eq < 0 ? setting : setting.substring(0, eq)).replace('-', '_');
            if (eq < 0 || !SETTING_NAME.matcher(name).matches()) {
                throw new ConfigurationException("options: a setting must be name=value, was " + quote(setting));
            }
            if (settings.put(name, setting.substring(eq + 1)) != null) {
                throw new ConfigurationException("options: setting " + name + " is given twice");
            }
        }
        return settings;
    }

    /**
     * Decodes {@code %XX} escapes as UTF-8, as libpq does; everything else, {@code +} included, stays as it is.
     *
     * @param what   what messages call the part
     * @param secret whether the part must never appear in a message
     */
    static String decode(String text, String what, boolean secret) {
        String decoded = text.indexOf('%') < 0 ? text : percentDecode(text, what, secret);
        if (decoded.indexOf('\0') >= 0) {
            // It would end the string in the server's start-up message; libpq refuses %00 for the same reason.
            throw invalid(what + " holds a NUL character (%00), which PostgreSQL cannot take");
        }
        return decoded;
    }

    private static String percentDecode(String text, String what, boolean secret) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    String shown = secret ? "" : " in " + quote(text);
                    throw invalid(what + " has a '%' that does not start a %XX escape" + shown
                            + "; write a literal '%' as %25");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    utf8 = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid(what + " is not valid UTF-8 once percent-decoded");
        }
    }

    /** The index of the first of {@code characters} in {@code text} from {@code from} on, or its length. */
    private static int indexOfAny(String text, String characters, int from) {
        for (int i = from; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    /** r2dbc URLs, passed through to {@link ConnectionFactoryOptions#parse}, with their option names checked. */
    private static final class R2dbcUrl {

        /** Every option r2dbc-postgresql reads, as the SPI and the driver name them. */
        private static final Set<String> DRIVER_OPTIONS = optionNames(ConnectionFactoryOptions.class,
                PostgresqlConnectionFactoryProvider.class);

        /** r2dbc-pool's options: Minoro builds its own pool from DatabaseConfig. */
        private static final Set<String> POOL_OPTIONS = optionNames(PoolingConnectionFactoryProvider.class);

        private R2dbcUrl() {
        }

        static PostgresConnectionString parse(String connection) {
            checkUserInfoAndPort(connection);
            ConnectionFactoryOptions parsed;
            try {
                parsed = ConnectionFactoryOptions.parse(connection);
            } catch (IllegalArgumentException e) {
                // The SPI's message may quote the URL, password and all: say what is wrong without it.
                throw invalid("it is not a valid r2dbc URL (percent-encode spaces and the characters"
                        + " \" < > \\ ^ ` { | } [ ] in the user name and password, and write a literal '%' as %25)");
            }
            String driver = String.valueOf(parsed.getValue(ConnectionFactoryOptions.DRIVER));
            Object protocol = parsed.getValue(ConnectionFactoryOptions.PROTOCOL);
            if (driver.equals(PoolingConnectionFactoryProvider.POOLING_DRIVER)) {
                if (protocol == null || !isPostgres(protocol.toString().split(":", 2)[0])) {
                    throw invalid("r2dbc:pool: URLs must pool PostgreSQL (r2dbc:pool:postgresql://...)");
                }
                String[] parts = protocol.toString().split(":", 2);
                ConnectionFactoryOptions.Builder unpooled = ConnectionFactoryOptions.builder()
                        .from(parsed, o -> !o.equals(ConnectionFactoryOptions.PROTOCOL))
                        .option(ConnectionFactoryOptions.DRIVER, parts[0]);
                if (parts.length > 1) {
                    unpooled.option(ConnectionFactoryOptions.PROTOCOL, parts[1]);
                }
                parsed = unpooled.build();
            } else if (!isPostgres(driver)) {
                throw invalid("the r2dbc driver must be postgresql, was " + quote(driver));
            }

            Set<String> names = new LinkedHashSet<>();
            ConnectionFactoryOptions.builder().from(parsed, o -> names.add(o.name()));
            for (String name : names) {
                if (POOL_OPTIONS.contains(name)) {
                    throw new ConfigurationException("r2dbc URL option " + quote(name) + " configures a pool;"
                            + " Minoro builds its own from DatabaseConfig (withPoolSize, withAcquireTimeout,"
                            + " withMaxIdleTime, withMaxLifetime)");
                }
                if (!DRIVER_OPTIONS.contains(name)) {
                    throw new ConfigurationException("unknown option " + quote(name) + " in the r2dbc URL; r2dbc-postgresql"
                            + " understands " + String.join(", ", new TreeSet<>(DRIVER_OPTIONS)));
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
            Duration connectTimeout = connectTimeoutOf(parsed);
            if (connectTimeout != null) {
                // The driver would read a string itself; give it the value Minoro bounds the set-up with.
                parsed = parsed.mutate().option(ConnectionFactoryOptions.CONNECT_TIMEOUT, connectTimeout).build();
            }
            Object databaseValue = parsed.getValue(ConnectionFactoryOptions.DATABASE);
            Object rootCertValue = parsed.getValue(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT);
            SSLMode sslMode = sslModeOf(parsed);
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
         */
        private static void checkUserInfoAndPort(String connection) {
            int schemeEnd = connection.indexOf("://");
            if (schemeEnd < 0) {
                // ConnectionFactoryOptions.parse refuses it.
                return;
            }
            int start = schemeEnd + 3;
            int end = indexOfAny(connection, "/?#", start);
            int at = connection.lastIndexOf('@', end - 1);
            if (at < start) {
                if (connection.indexOf('@', end) >= 0) {
                    throw invalid("the r2dbc URL names no user before its host; if the user name or password holds"
                            + " '/', '?' or '#', percent-encode them (as %2F, %3F, %23)");
                }
                return;
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
        private static @Nullable Duration connectTimeoutOf(ConnectionFactoryOptions options) {
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
            } catch (ArithmeticException | java.time.format.DateTimeParseException e) {
                // fall through to the message below
            }
            throw new ConfigurationException("connectTimeout must be a duration such as PT10S or 10s, was "
                    + quote(text));
        }

        private static boolean isPostgres(String driver) {
            return driver.equals(PostgresqlConnectionFactoryProvider.POSTGRESQL_DRIVER)
                    || driver.equals(PostgresqlConnectionFactoryProvider.LEGACY_POSTGRESQL_DRIVER);
        }

        /** The driver's SSL mode for these options: its own default is disable, ssl=true means verify-full. */
        private static SSLMode sslModeOf(ConnectionFactoryOptions options) {
            Object mode = options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE);
            if (mode == null) {
                mode = options.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE_ALIAS);
            }
            if (mode instanceof SSLMode) {
                return (SSLMode) mode;
            }
            if (mode != null) {
                try {
                    return SSLMode.fromValue(mode.toString());
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("sslMode must be one of disable, allow, prefer, require,"
                            + " verify-ca, verify-full, was " + quote(mode.toString()));
                }
            }
            Object ssl = options.getValue(ConnectionFactoryOptions.SSL);
            return ssl != null && Boolean.parseBoolean(ssl.toString()) ? SSLMode.VERIFY_FULL : SSLMode.DISABLE;
        }

        private static Set<String> optionNames(Class<?>... holders) {
            Set<String> names = new LinkedHashSet<>();
            for (Class<?> holder : holders) {
                for (Field field : holder.getFields()) {
                    if (Modifier.isStatic(field.getModifiers()) && Option.class.isAssignableFrom(field.getType())) {
                        try {
                            names.add(((Option<?>) field.get(null)).name());
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException("cannot read " + holder.getName() + "." + field.getName(), e);
                        }
                    }
                }
            }
            return Collections.unmodifiableSet(names);
        }
    }
}
