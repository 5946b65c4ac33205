package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.OtherScriptDigits;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

final class LibsqlConnectionConfigurationTests {

    private static final String TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJhIjoicncifQ.c2VjcmV0LXNpZ25hdHVyZQ";

    @Test
    void urlsOfEachSchemeBecomeAnHttpBaseUrl() {
        assertEquals("https://db.example.turso.io", url("libsql://db.example.turso.io"));
        assertEquals("https://db.example.io:8443/prefix", url("https://db.example.io:8443/prefix/"));
        assertEquals("http://127.0.0.1:8080", url("http://127.0.0.1:8080"));
    }

    @Test
    void badUrlsFailNamingTheProblemAndNeverTheQuery() {
        assertMessage("url must give a port for cleartext http://", () -> url("http://localhost"));
        assertMessage("write https:// or libsql:// instead of wss://", () -> url("wss://db.turso.io"));
        IllegalArgumentException query = assertThrows(IllegalArgumentException.class,
                () -> url("libsql://db.turso.io?authToken=" + TOKEN));
        assertFalse(query.getMessage().contains(TOKEN), query.getMessage());
        assertMessage("url must start with http://, https:// or libsql://", () -> url("file:auth.db"));
        assertMessage("url must be set", () -> LibsqlConnectionConfiguration.builder().build());
        // another database's URL, or a password with '?' in user information: the secret is masked
        assertMessage("url must start with http://, https:// or libsql://, was 'postgres://app:****@h/db'",
                () -> url("postgres://app:" + TOKEN + "@h/db"));
        assertMessage("url is not a valid URL: 'https://****?…'", () -> url("https://app:s3 ?" + TOKEN + "@h"));
    }

    @Test
    void timeoutsAreChecked() {
        assertMessage("connectTimeout must be more than 0", () -> LibsqlConnectionConfiguration.builder()
                .connectTimeout(Duration.ZERO));
        assertMessage("requestTimeout must be between 0", () -> LibsqlConnectionConfiguration.builder()
                .requestTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void toStringMasksTheToken() {
        LibsqlConnectionConfiguration configuration = LibsqlConnectionConfiguration.builder().url("libsql://db.turso.io")
                .authToken(TOKEN).build();
        assertFalse(configuration.toString().contains(TOKEN), configuration.toString());
        assertTrue(configuration.toString().contains("authToken=****"), configuration.toString());
    }

    @Test
    void r2dbcUrlsGoThroughTheSameBuilder() {
        LibsqlConnectionConfiguration local = LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions
                .parse("r2dbc:libsql://127.0.0.1:8080?tls=false&connectTimeout=PT3S&requestTimeout=5000"));
        assertEquals("http://127.0.0.1:8080", local.url().toString());
        assertEquals(Duration.ofSeconds(3), local.connectTimeout());
        assertEquals(Duration.ofSeconds(5), local.requestTimeout());
        LibsqlConnectionConfiguration turso = LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions
                .parse("r2dbc:libsql://db.turso.io?authToken=" + TOKEN));
        assertEquals("https://db.turso.io", turso.url().toString());
        assertEquals(TOKEN, turso.authToken());
        assertMessage("option port is required with tls=false", () -> LibsqlConnectionFactoryProvider.configuration(
                ConnectionFactoryOptions.parse("r2dbc:libsql://localhost?tls=0")));
        assertMessage("option user does not apply to libSQL", () -> LibsqlConnectionFactoryProvider.configuration(
                ConnectionFactoryOptions.parse("r2dbc:libsql://user:" + TOKEN + "@db.turso.io")));
        assertTrue(new LibsqlConnectionFactoryProvider().supports(ConnectionFactoryOptions.parse("r2dbc:libsql://h")));
    }

    /** The accepted options, as every message about an unknown one lists them. */
    private static final String TAKES = "; it takes authToken, connectTimeout, database, host, port, requestTimeout,"
            + " ssl, tls (option names are case-sensitive), and lets the options of r2dbc-pool and r2dbc-proxy through";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // near misses
        "requestTimout=PT5S       | 'requestTimout' for the libSQL driver (did you mean 'requestTimeout'?)",
        "conectTimeout=PT5S       | 'conectTimeout' for the libSQL driver (did you mean 'connectTimeout'?)",
        "auth_token=TOKEN         | 'auth_token' for the libSQL driver (did you mean 'authToken'?)",
        "tsl=false                | 'tsl' for the libSQL driver (did you mean 'ssl' or 'tls'?)",
        // another case
        "authtoken=TOKEN          | 'authtoken' for the libSQL driver (did you mean 'authToken'?)",
        "TLS=false                | 'TLS' for the libSQL driver (did you mean 'tls'?)",
        // a pool option, misspelled
        "initialsize=1            | 'initialsize' for the libSQL driver (did you mean 'initialSize'?)",
        // nothing like any option
        "syncUrl=libsql%3A%2F%2Fx | 'syncUrl' for the libSQL driver",
        "encryptionKey=TOKEN      | 'encryptionKey' for the libSQL driver",
    })
    void unknownOptionsFailNamingTheOptionNeverItsValue(String query, String message) {
        String withToken = query.replace("TOKEN", TOKEN);
        assertEquals("unknown option " + message + TAKES, assertThrows(IllegalArgumentException.class,
                () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(
                        "r2dbc:libsql://127.0.0.1:8080?tls=false&" + withToken))).getMessage());
        assertMessage("unknown option " + message + TAKES,
                () -> ConnectionFactories.get("r2dbc:libsql://db.turso.io?" + withToken));
        assertMessage("unknown option " + message + TAKES,
                () -> ConnectionFactories.get("r2dbc:pool:libsql://db.turso.io?maxSize=2&" + withToken));
    }

    /**
     * A token or password with an unencoded '&', '#' or '@' in an r2dbc URL: r2dbc-spi splits it into an option name,
     * a host or a value, none of which a message shows; after a whole JWT, names are shown as ever.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "r2dbc:libsql://h:8080?authToken=s3&cr3t=1        | unknown option (not shown: the options hold a secret, or an"
                + " '@' in a value, so it may be a piece of a password or token with an unencoded '&', '?', '#' or '@',"
                + " which are written %26, %3F, %23, %40) for the libSQL driver; it takes",
        "r2dbc:libsql://h:8080?authToken=s3&cr3t=1&x3t=2  | (not shown: as above)",
        "r2dbc:libsql://app:s3@h?cr3t=1@db.example.com   | unknown option (not shown: the options hold a secret",
        "r2dbc:libsql://app:cr3t#x@h:8080                 | option host is neither a host name nor an IPv6 address"
                + " (not shown: it may be a piece of a password or token whose '#', '/' or '?' split the URL"
    })
    void aSecretSplitByR2dbcSpiIsNotShown(String url, String expected) {
        assertMessage(expected, () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(url)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(url)));
        assertFalse(e.getMessage().contains("cr3t"), e.getMessage());
        assertMessage("unknown option 'tsl' for the libSQL driver", () -> LibsqlConnectionFactoryProvider
                .configuration(ConnectionFactoryOptions.parse("r2dbc:libsql://h?authToken=" + TOKEN + "&tsl=0")));
    }

    @Test
    void aTokenWhereANameBelongsIsNotShown() {
        assertMessage("unknown option (not shown: its name does not look like an option name) for the libSQL driver"
                + TAKES,
                () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(
                        "r2dbc:libsql://db.turso.io?" + TOKEN + "=")));
    }

    @Test
    void aProtocolIsRefusedAndShownOnlyWhenItCannotHoldTheToken() {
        assertMessage("the libSQL driver takes no protocol, was 'tcp': write r2dbc:libsql://host[:port]",
                () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(
                        "r2dbc:libsql:tcp://db.turso.io?authToken=" + TOKEN)));
        // r2dbc-spi reads the protocol up to the last "://", here inside the query
        assertMessage("the libSQL driver takes no protocol, but R2DBC read one from this URL (not shown: it may hold"
                + " the token): write r2dbc:libsql://host[:port], and percent-encode '://' in option values as"
                + " %3A%2F%2F", () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(
                        "r2dbc:libsql://db.turso.io?authToken=" + TOKEN + "&requestTimeout=PT1S&tls=https://x")));
    }

    @Test
    void aPathHoldingAnAtIsRefusedWithoutShowingIt() {
        // r2dbc-spi reads "user:pa/ss@host" as host "user" and database "ss@host", a piece of the password
        assertMessage("option database (the URL's path) holds an '@' (not shown: a password or token with a '/' in"
                + " it, pasted as user information, splits a URL that way); the libSQL driver takes no user"
                + " information: give the token as option authToken",
                () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(
                        "r2dbc:libsql://app:8080/s3cr3t@db.turso.io")));
    }

    @Test
    void poolAndProxyOptionsPassAndEveryValidSpellingWorks() {
        LibsqlConnectionConfiguration c = LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions
                .parse("r2dbc:libsql://db.turso.io:8443/prefix?authToken=" + TOKEN + "&tls=true&ssl=true"
                        + "&connectTimeout=PT2S&requestTimeout=PT9S&initialSize=1&maxSize=4&maxLifeTime=PT1H"
                        + "&proxyListener=x.Listener"));
        assertEquals("https://db.turso.io:8443/prefix", c.url().toString());
        assertEquals(TOKEN, c.authToken());
        assertEquals(Duration.ofSeconds(2), c.connectTimeout());
        assertEquals(Duration.ofSeconds(9), c.requestTimeout());
        ConnectionFactory pooled = ConnectionFactories.get("r2dbc:pool:libsql://127.0.0.1:8080?tls=false"
                + "&initialSize=0&maxSize=4&requestTimeout=PT9S");
        assertInstanceOf(ConnectionPool.class, pooled);
        Mono.from(((ConnectionPool) pooled).close()).block(Duration.ofSeconds(30));
    }

    /** A port or a timeout in the digits of another script, which Java's number parsing reads as ASCII ones. */
    @Test
    void digitsOfOtherScriptsAreNotDigits() {
        for (String port : OtherScriptDigits.of("8080")) {
            assertMessage("option port must be between 1 and 65535, was '" + port + "'",
                    () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions.builder()
                            .option(ConnectionFactoryOptions.DRIVER, "libsql")
                            .option(ConnectionFactoryOptions.HOST, "127.0.0.1")
                            .option(io.r2dbc.spi.Option.<Object>valueOf("port"), port).build()));
            assertMessage("url must give its port as a number between 1 and 65535, was 'http://127.0.0.1:" + port + "'",
                    () -> url("http://127.0.0.1:" + port));
        }
        for (Object port : new Object[] {"+8080", 8080L, "8080 "}) {
            assertEquals("http://127.0.0.1:8080", LibsqlConnectionFactoryProvider.configuration(
                    ConnectionFactoryOptions.builder().option(ConnectionFactoryOptions.DRIVER, "libsql")
                            .option(ConnectionFactoryOptions.HOST, "127.0.0.1")
                            .option(LibsqlConnectionFactoryProvider.TLS, false)
                            .option(io.r2dbc.spi.Option.<Object>valueOf("port"), port).build()).url().toString());
        }
        for (Object port : new Object[] {4294975592L, 443.9, "0", "65536"}) {
            assertMessage("option port must be between 1 and 65535, was '" + port + "'",
                    () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions.builder()
                            .option(ConnectionFactoryOptions.DRIVER, "libsql")
                            .option(ConnectionFactoryOptions.HOST, "127.0.0.1")
                            .option(io.r2dbc.spi.Option.<Object>valueOf("port"), port).build()));
        }
        for (String millis : OtherScriptDigits.of("5000")) {
            assertMessage("option requestTimeout must be a duration in milliseconds or ISO-8601 (such as PT5S), was '"
                    + millis + "'", () -> LibsqlConnectionFactoryProvider.configuration(ConnectionFactoryOptions
                    .parse("r2dbc:libsql://db.turso.io?requestTimeout=" + millis)));
        }
    }

    private static String url(String url) {
        return LibsqlConnectionConfiguration.builder().url(url).build().url().toString();
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable executable) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(error.getMessage().contains(expected), error.getMessage());
        assertFalse(error.getMessage().contains(TOKEN), error.getMessage());
    }
}
