package dev.minoro.libsql;

import static io.r2dbc.spi.ConnectionFactoryOptions.CONNECT_TIMEOUT;
import static io.r2dbc.spi.ConnectionFactoryOptions.DATABASE;
import static io.r2dbc.spi.ConnectionFactoryOptions.DRIVER;
import static io.r2dbc.spi.ConnectionFactoryOptions.HOST;
import static io.r2dbc.spi.ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT;
import static io.r2dbc.spi.ConnectionFactoryOptions.PASSWORD;
import static io.r2dbc.spi.ConnectionFactoryOptions.PORT;
import static io.r2dbc.spi.ConnectionFactoryOptions.PROTOCOL;
import static io.r2dbc.spi.ConnectionFactoryOptions.SSL;
import static io.r2dbc.spi.ConnectionFactoryOptions.STATEMENT_TIMEOUT;
import static io.r2dbc.spi.ConnectionFactoryOptions.USER;

import dev.minoro.sqlite.internal.OptionNames;
import dev.minoro.sqlite.internal.OptionValues;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;
import io.r2dbc.spi.Option;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes {@link LibsqlConnectionFactory}s for {@code ConnectionFactories.get(...)}: driver {@code libsql}.
 *
 * <p>URLs, parsed by R2DBC into options and then by the same builder as Java code:
 * <ul>
 *   <li>{@code r2dbc:libsql://mydb-myorg.turso.io?authToken=…}: HTTPS, as {@code libsql://} URLs are;</li>
 *   <li>{@code r2dbc:libsql://127.0.0.1:8080?tls=false}: cleartext HTTP to a local sqld (a port is required);</li>
 *   <li>{@code r2dbcs:libsql://host}: HTTPS, said explicitly;</li>
 *   <li>a path ({@code r2dbc:libsql://host/prefix}) is kept as a prefix of the Hrana endpoints;</li>
 *   <li>options as query parameters: {@code connectTimeout=PT5S&requestTimeout=PT30S}.</li>
 * </ul>
 *
 * <p>Options, typed or as text: {@link #AUTH_TOKEN} (a sensitive option, never printed),
 * {@link ConnectionFactoryOptions#CONNECT_TIMEOUT}, {@link #REQUEST_TIMEOUT}, {@link #TLS}. A bad value fails
 * with {@link IllegalArgumentException} naming the option (never a token). Options that the server has no use
 * for (user, password: the token is the credential; statement and lock wait timeouts) fail too, and so does an
 * option the driver does not know, such as a misspelled one ({@code requestTimout}) or one in another case
 * ({@code authtoken}: option names are case-sensitive): the {@link IllegalArgumentException} names it, suggests the
 * nearest known option and lists the accepted ones, never showing a value. The options of r2dbc-pool
 * ({@code r2dbc:pool:libsql://…?maxSize=4}) and r2dbc-proxy, which hand the whole URL's options on to this driver,
 * are let through.
 */
public final class LibsqlConnectionFactoryProvider implements ConnectionFactoryProvider {

    /** The driver name: {@value}. */
    public static final String LIBSQL_DRIVER = "libsql";

    /** The bearer token (a JWT, as {@code turso db tokens create} prints it). */
    public static final Option<CharSequence> AUTH_TOKEN = Option.sensitiveValueOf("authToken");

    /** Whether to use TLS (HTTPS); true unless set false ({@code tls=false} or {@code tls=0}), as {@code libsql://}. */
    public static final Option<Boolean> TLS = Option.valueOf("tls");

    /**
     * {@link LibsqlConnectionConfiguration.Builder#requestTimeout(Duration)}: a {@code Duration}, milliseconds or
     * ISO-8601.
     */
    public static final Option<Duration> REQUEST_TIMEOUT = Option.valueOf("requestTimeout");

    /** An IPv6 address as a URL's host gives it without brackets, a zone (percent-encoded or not) allowed. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._~%-]+)?");

    /** The options this driver takes, as the message about an unknown option lists them. */
    private static final Set<String> ACCEPTED = OptionNames.takenBy(LibsqlConnectionFactoryProvider.class, HOST, PORT,
            DATABASE, SSL, CONNECT_TIMEOUT);

    /** Creates the provider; {@code ServiceLoader} calls this. */
    public LibsqlConnectionFactoryProvider() {
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException as {@link #configuration} does: for a missing host, a bad value, an option
     *                                  libSQL cannot use or an unknown option
     */
    @Override
    public LibsqlConnectionFactory create(ConnectionFactoryOptions options) {
        return new LibsqlConnectionFactory(configuration(options));
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        return OptionValues.isDriver(options, LIBSQL_DRIVER);
    }

    @Override
    public String getDriver() {
        return LIBSQL_DRIVER;
    }

    /**
     * {@return the configuration that {@code options} describe, through {@link
     * LibsqlConnectionConfiguration#builder()}}
     *
     * @param options the R2DBC options of the URL
     * @throws IllegalArgumentException for a missing host, a bad value, an option libSQL cannot use or an unknown
     *                                  option (named, with the accepted ones)
     */
    public static LibsqlConnectionConfiguration configuration(ConnectionFactoryOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        OptionValues.refuseUnknown(options, "the libSQL driver", ACCEPTED, DRIVER, PROTOCOL, USER, PASSWORD,
                STATEMENT_TIMEOUT, LOCK_WAIT_TIMEOUT);
        Object protocol = options.getValue(PROTOCOL);
        if (protocol != null && !protocol.toString().isEmpty()) {
            // r2dbc-spi splits a URL at its last "://": one in the query puts the query, token and all, in the protocol
            throw new IllegalArgumentException(OptionNames.looksLikeAName(protocol.toString())
                    ? "the libSQL driver takes no protocol, was '" + protocol + "': write r2dbc:libsql://host[:port]"
                    : "the libSQL driver takes no protocol, but R2DBC read one from this URL (not shown: it may hold"
                            + " the token): write r2dbc:libsql://host[:port], and percent-encode '://' in option values"
                            + " as %3A%2F%2F");
        }
        OptionValues.refuse(options, "does not apply to libSQL: give the token as option authToken", USER, PASSWORD);
        OptionValues.refuse(options, "is not supported by the libSQL driver; use requestTimeout, or"
                + " Connection.setStatementTimeout", STATEMENT_TIMEOUT, LOCK_WAIT_TIMEOUT);
        Object host = options.getValue(HOST);
        if (host == null || host.toString().isBlank()) {
            throw new IllegalArgumentException("option host must name the libSQL server (URL:"
                    + " r2dbc:libsql://host[:port]), was missing");
        }
        Boolean ssl = OptionValues.booleanOrDigit(options, SSL);
        Boolean tls = OptionValues.booleanOrDigit(options, TLS);
        if (ssl != null && tls != null && !ssl.equals(tls)) {
            throw new IllegalArgumentException("options ssl (" + ssl + ") and tls (" + tls + ") disagree: set one");
        }
        boolean secure = tls != null ? tls : ssl == null || ssl;
        Object port = options.getValue(PORT);
        if (!secure && port == null) {
            throw new IllegalArgumentException("option port is required with tls=false (cleartext HTTP has no default"
                    + " port for sqld)");
        }
        Object database = options.getValue(DATABASE);
        if (database != null && database.toString().indexOf('@') >= 0) {
            // what r2dbc-spi leaves of "user:pa/ss@host": the host "user", the database "ss@host", a piece of
            // the password
            throw new IllegalArgumentException("option database (the URL's path) holds an '@' (not shown: a password"
                    + " or token with a '/' in it, pasted as user information, splits a URL that way); the libSQL"
                    + " driver takes no user information: give the token as option authToken");
        }
        String path = database == null || database.toString().isBlank() ? "" : "/" + database.toString().strip();
        String hostText = host.toString().strip();
        if (hostText.indexOf(':') >= 0 && !hostText.startsWith("[")) {
            if (!IPV6.matcher(hostText).matches()) {
                // what r2dbc-spi leaves of "user:pa#ss@host": the host "user:pa", a piece of the password
                throw new IllegalArgumentException("option host is neither a host name nor an IPv6 address (not shown:"
                        + " it may be a piece of a password or token whose '#', '/' or '?' split the URL; the libSQL"
                        + " driver takes no user information: give the token as option authToken)");
            }
            hostText = "[" + hostText + "]";
        }
        LibsqlConnectionConfiguration.Builder builder = LibsqlConnectionConfiguration.builder()
                .url((secure ? "https://" : "http://") + hostText + (port == null ? "" : ":" + asPort(options)) + path);
        Object token = options.getValue(AUTH_TOKEN);
        if (token != null) {
            builder.authToken(token.toString());
        }
        OptionValues.set(options, CONNECT_TIMEOUT, OptionValues::durationValue, builder::connectTimeout);
        OptionValues.set(options, REQUEST_TIMEOUT, OptionValues::durationValue, builder::requestTimeout);
        return builder.build();
    }

    /** The port option, read as every whole-number option is ({@link OptionValues#integerValue}), in range. */
    private static int asPort(ConnectionFactoryOptions options) {
        Integer port;
        try {
            port = OptionValues.integerValue(options, PORT);
        } catch (IllegalArgumentException notAWholeNumber) {
            port = null;
        }
        if (port != null && port > 0 && port < 65536) {
            return port;
        }
        throw new IllegalArgumentException("option port must be between 1 and 65535, was '" + options.getValue(PORT)
                + "'");
    }

    @Override
    public String toString() {
        return "LibsqlConnectionFactoryProvider";
    }
}
