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
import dev.minoro.sqlite.internal.OptionNames;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.ChannelBindingMode;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The parser of libpq URIs ({@code postgres://}, {@code postgresql://}) into a {@link PostgresConnectionString}.
 *
 * <p>libpq's URI form is read as libpq's {@code conninfo_uri_parse_options} reads it (its rules differ from
 * java.net.URI's in the details that matter): the user information ends at the first '@' that comes
 * before any '/'; inside it the user name ends at the first ':' and the password takes the rest, so a
 * password may hold ':', '?' and '#' as they are; the host ends at ':', '/', '?' or ','; the database
 * name runs from the first '/' to the first '?'; parameters are split at '&' and then at the first '='.
 * Every part is percent-decoded and '+' stays '+'. libpq knows no fragment: '#' is an ordinary character.
 */
final class LibpqUri {

    /** The libpq parameters Minoro understands in a URI's query, in the order messages list them. */
    private static final List<String> LIBPQ_PARAMETERS = List.of("sslmode", "sslrootcert", "application_name",
            "connect_timeout", "options", "channel_binding", "pgbouncer", "host", "port", "user", "password",
            "dbname", "ssl");

    /** The parameters whose values are free text, where an '@' may belong. */
    private static final Set<String> FREE_TEXT_PARAMETERS = Set.of("user", "password", "dbname", "application_name",
            "options", "sslrootcert");

    /**
     * The start of "host[:port]?name=": a URI without a path whose query holds an '@', which libpq reads as
     * user information. A real user name and password almost never look like it.
     */
    private static final Pattern HOST_AND_QUERY = Pattern.compile("[^:?@/]*(:[0-9]*)?\\?[A-Za-z_][A-Za-z0-9_]*=");

    /**
     * libpq's other connection parameters (PostgreSQL 17), which libpq would take and Minoro does not: named as such,
     * rather than as unknown.
     */
    private static final Set<String> OTHER_LIBPQ_PARAMETERS = Set.of("hostaddr", "passfile", "require_auth",
            "client_encoding", "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
            "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "requiressl", "sslnegotiation",
            "sslcompression", "sslcert", "sslkey", "sslpassword", "sslcertmode", "sslcrl", "sslcrldir", "sslsni",
            "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib",
            "gssdelegation", "service", "target_session_attrs", "load_balance_hosts");

    /** The {@code sslmode} values libpq takes, in the order of its documentation. */
    private static final List<SSLMode> SSL_MODES = List.of(SSLMode.DISABLE, SSLMode.ALLOW, SSLMode.PREFER,
            SSLMode.REQUIRE, SSLMode.VERIFY_CA, SSLMode.VERIFY_FULL);

    /** The {@code channel_binding} values libpq takes. */
    private static final List<ChannelBindingMode> CHANNEL_BINDING_MODES = List.of(ChannelBindingMode.DISABLE,
            ChannelBindingMode.PREFER, ChannelBindingMode.REQUIRE);

    /** A libpq {@code -c name=value} setting name: a GUC, possibly with a dotted prefix. */
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$]*");

    /**
     * libpq's {@code options}: command-line switches for the server, separated by white space (a backslash
     * escapes the next character). Minoro accepts the settings among them, {@code -c name=value} or
     * {@code --name=value}, and sends each as a startup parameter, which the server applies the same way.
     */
    static Map<String, String> startupOptions(String text, boolean hide) {
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
                        + " but has " + shown(w, hide));
            }
            int eq = setting.indexOf('=');
            // The server takes '-' for '_' in switch names; do the same so the two spellings are one setting.
            String name = (eq < 0 ? setting : setting.substring(0, eq)).replace('-', '_');
            if (eq < 0 || !SETTING_NAME.matcher(name).matches()) {
                throw new ConfigurationException("options: a setting must be name=value, was " + shown(setting, hide));
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
                int high = i + 2 < text.length() ? AsciiDigits.hexValue(text.charAt(i + 1)) : -1;
                int low = i + 2 < text.length() ? AsciiDigits.hexValue(text.charAt(i + 2)) : -1;
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

    /** Where '@' most likely comes from where it makes no sense: a password pasted without encoding. */
    private static final String ENCODE_USER_INFO = "percent-encode '@', '/' and '%' in the user name and"
            + " password (as %40, %2F, %25)";

    /** Why a value before an '@' that follows the user information is not shown. */
    private static final String SPILLED = "it comes before a later '@', and may be part of a password split"
            + " there; " + ENCODE_USER_INFO;

    /** Why a value after {@code password=} in the query is not shown. */
    private static final String AFTER_PASSWORD = "it follows password=, and may be the rest of a password holding an"
            + " unencoded '&': write '&' in a password as %26";

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
            if (connection.indexOf('@', p) >= 0 && connection.indexOf('@', p) < indexOfAny(connection, "/?", p)) {
                // "user:p@ss@host" or "us@er:pass@host": libpq reads host "ss@host", or host "er", port "pass@host"
                throw invalid("an '@' follows the user information before the host ends (libpq ends the user"
                        + " information at the first '@', so the user name or password holds an unencoded '@'; the"
                        + " rest is not shown); percent-encode '@' in the user name and password as %40 (and '/' and"
                        + " '%' as %2F and %25)");
            }
        }
        // An '@' after the user information (or after the host, when there is none): a password with an unencoded
        // '@', '/' or '?' may have split the URI there, so what follows the user information may be part of it and
        // is never shown in a message.
        boolean passwordMaySpill = connection.indexOf('@', p) >= 0;

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
        hostText = decode(hostText, "the host", passwordMaySpill);
        if (!hostText.isEmpty()) {
            checkHost(hostText, passwordMaySpill);
            values.put("host", hostText);
        }
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
            if (rawDatabase.indexOf('@') >= 0) {
                // libpq would take it, but "user:p@ss/w0rd@host/db" reads the same way: user:p at host "ss",
                // database "w0rd@host/db". A password is far likelier to hold '@' and '/' than a database name.
                throw invalid("the database name holds an unencoded '@' (not shown: a password holding '@' and '/'"
                        + " splits a URI that way); " + ENCODE_USER_INFO + ", and write '@' in a database name as %40");
            }
            if (!rawDatabase.isEmpty()) {
                values.put("dbname", decode(rawDatabase, "the database name", passwordMaySpill));
            }
            p = pathEnd;
        }
        // Why each value that may be a piece of a password is not shown: all before the last '@' when a password may
        // have spilled over its '@'; what comes after it is the host, database and query as meant, and may be shown.
        Map<String, String> hidden = new LinkedHashMap<>();
        if (passwordMaySpill) {
            for (String name : values.keySet()) {
                hidden.put(name, SPILLED);
            }
        }
        if (p < end) {
            // What is left starts with '?'.
            parseQuery(connection, p + 1, values, hidden, passwordMaySpill ? connection.lastIndexOf('@') : -1);
        }
        return translate(values, hidden);
    }

    private static ConfigurationException severalHosts() {
        return invalid("it names several hosts; Minoro connects to one host (put a load balancer or"
                + " connection pooler in front of several)");
    }

    /**
     * @param hide whether the host may be part of a password and must not appear in a message
     */
    private static void checkHost(String host, boolean hide) {
        if (host.startsWith("/") || host.startsWith("@")) {
            throw invalid("host " + shown(host, hide) + " is a Unix-domain socket, which Minoro does not support;"
                    + " connect over TCP (host=localhost)" + (hide ? "; " + ENCODE_USER_INFO : ""));
        }
        if (host.indexOf(',') >= 0) {
            throw severalHosts();
        }
        if (host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
            throw invalid("host " + shown(host, hide) + " is not a host name or address"
                    + (hide ? "; " + ENCODE_USER_INFO : ""));
        }
    }

    /**
     * Reads {@code name=value&...} from {@code from} on into {@code values}, as libpq does. Minoro is more lenient than
     * libpq in two ways that change no meaning: an empty pair ({@code &&}) is skipped, and a value may hold '=' (libpq
     * wants %3D).
     *
     * @param hidden      gets, for each parameter whose value no message may show, why: it starts before
     *                    {@code lastSpillAt}, so that it may be part of a password split at an unencoded '@', '/' or
     *                    '?' (its name is not shown either), or it follows a {@code password} parameter, and so may
     *                    be the rest of a password holding an unencoded '&'
     * @param lastSpillAt the last '@' of the URI when a password may have spilled over an '@', else -1
     */
    private static void parseQuery(String connection, int from, Map<String, String> values,
            Map<String, String> hidden, int lastSpillAt) {
        Set<String> seen = new LinkedHashSet<>();
        for (QueryParameters.Parameter parameter : QueryParameters.of(connection, from, lastSpillAt)) {
            boolean hideValues = parameter.hidden();
            String name = decode(parameter.rawName(), "a parameter name", hideValues);
            if (!LIBPQ_PARAMETERS.contains(name)) {
                throw unknownParameter(name, hideValues, parameter.afterSecret());
            }
            String rawValue = parameter.rawValue();
            if (rawValue == null) {
                throw invalid("parameter " + name + " has no value (write " + name + "=value)");
            }
            boolean secret = name.equals("password");
            String value = decode(rawValue, secret ? "the password" : "the value of " + name, secret || hideValues);
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
                checkHost(value, hideValues);
            }
            if (name.equals("port") && value.indexOf(',') >= 0) {
                throw severalHosts();
            }
            values.put(name, value);
            if (hideValues) {
                hidden.put(name, parameter.afterSecret() && !secret ? AFTER_PASSWORD : SPILLED);
            }
        }
    }

    /**
     * @param hide          whether the name may be part of a password, and must not appear in the message
     * @param afterPassword whether it follows a {@code password} parameter (and may be the rest of its value)
     */
    private static ConfigurationException unknownParameter(String name, boolean hide, boolean afterPassword) {
        String supported = "; supported are " + String.join(", ", LIBPQ_PARAMETERS);
        if (hide && !OTHER_LIBPQ_PARAMETERS.contains(name)) {
            String why = afterPassword ? AFTER_PASSWORD : SPILLED;
            return new ConfigurationException("unknown parameter in the PostgreSQL connection string (not shown: "
                    + why + ")" + supported);
        }
        if (OTHER_LIBPQ_PARAMETERS.contains(name)) {
            return new ConfigurationException("libpq parameter " + quote(name) + " in the PostgreSQL connection string"
                    + " is not supported by Minoro" + supported);
        }
        String hint = "";
        if (name.equalsIgnoreCase("schema") || name.equalsIgnoreCase("currentSchema")
                || name.equalsIgnoreCase("search_path")) {
            hint = " (for Minoro's schema use DatabaseConfig.withSchema(...), or options=-c search_path=...)";
        } else if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            hint = " (libpq URIs spell parameters in lower case with underscores)";
        }
        // A name no parameter could have may be part of a mistyped password: OptionNames shows only names.
        return new ConfigurationException("unknown parameter " + OptionNames.quoted(name)
                + " in the PostgreSQL connection string" + OptionNames.suggestion(name, LIBPQ_PARAMETERS) + hint
                + supported);
    }

    /**
     * @param hidden why each value that may be part of a password must not appear in a message, by parameter name
     */
    private static PostgresConnectionString translate(Map<String, String> values, Map<String, String> hidden) {
        // As in libpq, an empty user, host, port, database or sslrootcert means the default.
        String user = valueOrDefault(values, "user", System.getProperty("user.name", "postgres"));
        String host = valueOrDefault(values, "host", "localhost");
        String portText = values.get("port");
        int port = parsePort(portText == null || portText.isEmpty() ? null : portText, hidden.containsKey("port"));
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
            sslMode = libpqMode("sslmode", SSL_MODES, modeText, hidden.get("sslmode"));
            if (systemRoots && sslMode != SSLMode.VERIFY_FULL) {
                throw new ConfigurationException("sslmode " + shown(modeText, hidden.get("sslmode"))
                        + " may not be used with sslrootcert=system (use sslmode=verify-full), as in libpq");
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
        Duration connectTimeout = connectTimeout(values.get("connect_timeout"), hidden.get("connect_timeout"));
        if (connectTimeout != null) {
            options.option(ConnectionFactoryOptions.CONNECT_TIMEOUT, connectTimeout);
        }
        String startupOptions = values.get("options");
        if (startupOptions != null) {
            Map<String, String> settings = startupOptions(startupOptions, hidden.containsKey("options"));
            if (!settings.isEmpty()) {
                options.option(PostgresqlConnectionFactoryProvider.OPTIONS, settings);
            }
        }
        String channelBinding = values.get("channel_binding");
        if (channelBinding != null) {
            options.option(PostgresqlConnectionFactoryProvider.CHANNEL_BINDING, libpqMode("channel_binding",
                    CHANNEL_BINDING_MODES, channelBinding, hidden.get("channel_binding")));
        }
        Boolean pgbouncer = values.containsKey("pgbouncer")
                ? bool("pgbouncer", values.get("pgbouncer"), hidden.get("pgbouncer")) : null;
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

    /**
     * The mode among {@code accepted} that {@code text} names in libpq's spelling ({@code verify-full} for
     * {@code VERIFY_FULL}), exactly and in lower case as libpq takes it.
     *
     * @param why why {@code text} must not be shown, or null to show it
     * @throws ConfigurationException naming {@code parameter}, every accepted value and {@code text} (unless
     *                                {@code why} says why not)
     */
    private static <M extends Enum<M>> M libpqMode(String parameter, List<M> accepted, String text,
            @Nullable String why) {
        for (M mode : accepted) {
            if (libpqName(mode).equals(text)) {
                return mode;
            }
        }
        throw new ConfigurationException(parameter + " must be one of " + accepted.stream().map(LibpqUri::libpqName)
                .collect(Collectors.joining(", ")) + ", was " + shown(text, why));
    }

    private static String libpqName(Enum<?> mode) {
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * libpq's reading of {@code connect_timeout}: whole seconds, white space around them allowed; zero or
     * negative for no limit; 1 counts as 2, libpq's minimum.
     */
    private static @Nullable Duration connectTimeout(@Nullable String text, @Nullable String why) {
        if (text == null) {
            return null;
        }
        Matcher number = CONNECT_TIMEOUT.matcher(text);
        long seconds = number.matches() ? Long.parseLong(number.group(1)) : Long.MIN_VALUE;
        if (seconds < Integer.MIN_VALUE || seconds > Integer.MAX_VALUE) {
            throw new ConfigurationException("connect_timeout must be a whole number of seconds (0 for none),"
                    + " was " + shown(text, why));
        }
        return seconds <= 0 ? null : Duration.ofSeconds(Math.max(2, seconds));
    }

    private static boolean bool(String name, @Nullable String text, @Nullable String why) {
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
                throw new ConfigurationException(name + " must be true or false, was "
                        + shown(String.valueOf(text), why));
        }
    }
}
