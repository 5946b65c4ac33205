package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.internal.MinoroRuntime;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Remote libSQL connection strings, read as {@code @libsql/client} reads them, and the token kept secret. */
final class LibsqlConfigurationTests {

    private static final String TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJhIjoicnciLCJpYXQiOjF9.c2VjcmV0LXNpZ25hdHVyZQ";

    @Test
    void theRemoteFormsOfTheJsClientAreAccepted() {
        for (String url : new String[] {"libsql://auth-acme.turso.io", "libsql://auth-acme.turso.io:443",
                "libsql://127.0.0.1:8080?tls=0", "libsql://host/prefix?tls=1", "https://auth-acme.turso.io",
                "https://auth-acme.turso.io:8443/", "http://127.0.0.1:8080", "http://[::1]:8080",
                "libsql://auth-acme.turso.io?authToken=" + TOKEN, "http://localhost:8080?authToken=" + TOKEN + "&tls=0",
                "LIBSQL://Auth-Acme.turso.io"}) {
            DatabaseConfig config = DatabaseConfig.sqlite(url);
            assertEquals(DatabaseType.SQLITE, config.type(), url);
            assertEquals(url, config.connection());
            assertEquals(config, DatabaseConfig.of(url), url);
        }
    }

    @Test
    void otherQueryParametersAreRefusedByName() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> DatabaseConfig.sqlite("libsql://db.turso.io?authToken=" + TOKEN + "&syncUrl=x&mode=ro"));
        assertEquals("invalid libSQL connection 'libsql://db.turso.io?…': unsupported query parameters 'syncUrl',"
                + " 'mode'; only authToken and tls are accepted (names are case-sensitive); accepted forms are"
                + " libsql://host[:port] (HTTPS; ?tls=0 for plain HTTP with a port), https://host[:port] or"
                + " http://host:port, each with an optional ?authToken=…", e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://h:8080?auth_token=TOKEN             | parameter 'auth_token' (did you mean 'authToken'?);",
        "https://h:8080?authtoken=TOKEN              | parameter 'authtoken' (did you mean 'authToken'?);",
        "https://h:8080?AuthToken=TOKEN              | parameter 'AuthToken' (did you mean 'authToken'?);",
        "libsql://h:8080?tsl=0                       | parameter 'tsl' (did you mean 'tls'?);",
        "libsql://h:8080?TLS=0                       | parameter 'TLS' (did you mean 'tls'?);",
        "libsql://h?token=TOKEN&encryptionKey=TOKEN  | parameters 'token', 'encryptionKey';",
        "libsql://h?TOKEN=                           | parameter (not shown: its name does not look like an option name);",
    })
    void misspelledQueryParametersAreNamedWithTheNearestOneAndNeverTheirValue(String url, String named) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> DatabaseConfig.sqlite(url.replace("TOKEN", TOKEN)));
        assertTrue(e.getMessage().contains("unsupported query " + named + " only authToken and tls are accepted"
                + " (names are case-sensitive)"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        assertEquals(e.getMessage(), assertThrows(ConfigurationException.class,
                () -> DatabaseConfig.of(url.replace("TOKEN", TOKEN))).getMessage());
    }

    /** As {@code @libsql/client} reads a URL (URLSearchParams): "&&" and a trailing '&' are no parameters. */
    @Test
    void emptyQueryParametersAreSkipped() {
        for (String url : new String[] {"libsql://h?authToken=" + TOKEN + "&", "libsql://h?&authToken=" + TOKEN,
                "http://h:8080?tls=0&&authToken=" + TOKEN, "https://h?&"}) {
            assertEquals(DatabaseType.SQLITE, DatabaseConfig.sqlite(url).type(), url);
        }
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> DatabaseConfig.sqlite("libsql://h?tls=1&&mode=ro"));
        assertTrue(e.getMessage().contains("unsupported query parameter 'mode'; only authToken and tls are accepted"),
                e.getMessage());
    }

    @Test
    void everyValidSpellingWorks() {
        assertEquals(DatabaseType.SQLITE, DatabaseConfig.sqlite("libsql://h:8080?authToken=" + TOKEN + "&tls=0")
                .type());
        assertEquals(DatabaseType.SQLITE, DatabaseConfig.sqlite("https://h?tls=1&authToken=" + TOKEN).type());
    }

    @Test
    void badFormsSayWhatIsWrong() {
        Map<String, String> cases = Map.of(
                "libsql://db.turso.io?tls=0", "a libsql:// URL with ?tls=0 must give a port",
                "libsql://db.turso.io?tls=yes", "tls must be 0 or 1, was 'yes'",
                "http://127.0.0.1", "a plain http:// URL must give a port",
                "http://127.0.0.1:8080?tls=1", "an http:// URL cannot opt into TLS with ?tls=1; use https://",
                "https://db.turso.io?tls=0", "an https:// URL cannot opt out of TLS with ?tls=0; use http://",
                "wss://db.turso.io", "Minoro speaks Hrana over HTTP, not WebSockets: write libsql:// or https:// instead"
                        + " of wss://",
                "ws://127.0.0.1:8080", "Minoro speaks Hrana over HTTP, not WebSockets: write http://host:port or"
                        + " libsql://host:port?tls=0 instead of ws://",
                "libsql://user:" + TOKEN + "@db.turso.io", "it holds user information before '@'",
                "libsql:///path", "it names no host",
                "https://db.turso.io#x", "it has a fragment");
        cases.forEach((url, why) -> {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> DatabaseConfig.sqlite(url));
            assertTrue(e.getMessage().startsWith("invalid libSQL connection '"), e.getMessage());
            assertTrue(e.getMessage().contains(why), url + ": " + e.getMessage());
            assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        });
        assertTrue(assertThrows(ConfigurationException.class, () -> DatabaseConfig.of("wss://db.turso.io"))
                .getMessage().contains("not WebSockets"));
    }

    private static final String LIBSQL_FORMS = "libsql://host[:port] (HTTPS; ?tls=0 for plain HTTP with a port),"
            + " https://host[:port] or http://host:port, each with an optional ?authToken=…";

    @Test
    void aTokenPastedAsUserInformationOrABadPortSaysSoWithoutTheToken() {
        assertEquals("invalid libSQL connection 'libsql://****@db.turso.io': it holds user information before '@';"
                + " give the token as ?authToken=… or with DatabaseConfig.withAuthToken; accepted forms are "
                + LIBSQL_FORMS, assertThrows(ConfigurationException.class,
                        () -> DatabaseConfig.sqlite("libsql://" + TOKEN + "@db.turso.io")).getMessage());
        ConfigurationException port = assertThrows(ConfigurationException.class,
                () -> DatabaseConfig.of("libsql://db.turso.io:84x3?authToken=" + TOKEN));
        assertEquals("invalid libSQL connection 'libsql://db.turso.io:84x3?…': its port is not a number between 1 and"
                + " 65535; accepted forms are " + LIBSQL_FORMS, port.getMessage());
        ConfigurationException unknown = assertThrows(ConfigurationException.class,
                () -> DatabaseConfig.of("app://" + TOKEN + "@db.turso.io/db"));
        assertTrue(unknown.getMessage().startsWith("cannot tell the database type of 'app://****@db.turso.io/db':"),
                unknown.getMessage());
    }

    @Test
    void theTokenIsNeverShown() {
        DatabaseConfig inUrl = DatabaseConfig.sqlite("libsql://db.turso.io?authToken=" + TOKEN);
        DatabaseConfig withToken = DatabaseConfig.sqlite("libsql://db.turso.io").withAuthToken(TOKEN);
        for (DatabaseConfig config : new DatabaseConfig[] {inUrl, withToken}) {
            assertFalse(config.toString().contains(TOKEN), config.toString());
            assertFalse(MinoroConfig.of(config).toString().contains(TOKEN));
        }
        assertEquals("DatabaseConfig{type=SQLITE, connection=libsql://db.turso.io?authToken=****, runMigrations=true,"
                + " connectTimeout=PT10S, migrationLockTimeout=PT1M}", inUrl.toString());
        assertEquals("DatabaseConfig{type=SQLITE, connection=libsql://db.turso.io, runMigrations=true,"
                + " authToken=****, connectTimeout=PT10S, migrationLockTimeout=PT1M}", withToken.toString());
        assertEquals(TOKEN, withToken.authToken());
        assertNotEquals(withToken, withToken.withAuthToken(TOKEN + "x"));
        assertEquals(withToken, withToken.withRunMigrations(false).withRunMigrations(true));
    }

    @Test
    void tokenAndTimeoutsApplyWhereTheyMeanSomething() {
        DatabaseConfig remote = DatabaseConfig.sqlite("libsql://db.turso.io");
        assertEquals("authToken must be a non-blank token (a JWT such as turso db tokens create prints), was blank",
                assertThrows(ConfigurationException.class, () -> remote.withAuthToken(" ")).getMessage());
        assertEquals("authToken must be a non-blank token (a JWT such as turso db tokens create prints), was null",
                assertThrows(ConfigurationException.class, () -> remote.withAuthToken(null)).getMessage());
        ConfigurationException badChar = assertThrows(ConfigurationException.class,
                () -> remote.withAuthToken("abc def-secret"));
        assertFalse(badChar.getMessage().contains("secret"), badChar.getMessage());
        assertEquals("authToken applies to a remote libSQL server (libsql://, https://, http://) only, but this"
                + " database is a local SQLite file", assertThrows(ConfigurationException.class,
                        () -> DatabaseConfig.sqlite(":memory:").withAuthToken(TOKEN)).getMessage());
        assertEquals("authToken applies to a remote libSQL server (libsql://, https://, http://) only, but this"
                + " database is POSTGRES", assertThrows(ConfigurationException.class,
                        () -> DatabaseConfig.postgres("postgres://u@h/db").withAuthToken(TOKEN)).getMessage());
        assertEquals("busyTimeout applies to local SQLite files only: a remote libSQL server keeps its own busy"
                + " timeout", assertThrows(ConfigurationException.class,
                        () -> remote.withBusyTimeout(Duration.ofSeconds(1))).getMessage());
        assertEquals(Duration.ofSeconds(3), remote.withConnectTimeout(Duration.ofSeconds(3)).connectTimeout());
        assertThrows(ConfigurationException.class, () -> DatabaseConfig.sqlite(":memory:")
                .withConnectTimeout(Duration.ofSeconds(3)));
        assertThrows(ConfigurationException.class, () -> remote.withConnectTimeout(Duration.ZERO));
    }

    /**
     * A token pasted with an '@', '/', '&' or '#' in it: neither {@code toString()} nor a message shows a piece of it
     * (the masking once took the port for the start of a password and showed the token after its '@').
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "libsql://h:8080?authToken=s3@cr3t                | connection=libsql://h:8080?authToken=****,",
        "libsql://h:8080?tls=0&authToken=s3@cr/3t?x       | connection=libsql://h:8080?tls=0&authToken=****,",
        "https://h?authToken=s3;cr3t                      | connection=https://h?authToken=****,",
        "libsql://h?authToken=s3&cr3t                     | unsupported query parameter (not shown: it may be a piece of"
                + " a token or password, split at an unencoded '&', '/', '?' or '@', which are written %26, %2F, %3F,"
                + " %40)",
        "https://app:/cr3t@db.example.com                 | invalid libSQL connection 'https://****@db.example.com':"
                + " its path holds an unencoded '@' (not shown",
        "https://app:/?cr3t&@db.example.com               | unsupported query parameters (not shown: it may be a piece",
        "libsql://h?authToken=s3&tls=cr3t                 | tls must be 0 or 1, was (not shown",
        "libsql://h?authToken=s3#cr3t                     | it has a fragment",
        "https://app:s3?cr3t@h                            | invalid libSQL connection 'https://****?…'",
        "https://app:s3@cr3t@h?x=1                        | invalid libSQL connection 'https://****@h?…': it holds user"
                + " information before '@'",
        "https://s3:cr3t@h                                | invalid libSQL connection 'https://****@h': it holds user"
                + " information before '@'"
    })
    void aTokenWithPunctuationNeverShows(String url, String expected) {
        String shown;
        try {
            shown = DatabaseConfig.sqlite(url).toString();
        } catch (ConfigurationException e) {
            shown = e.getMessage();
        }
        assertTrue(shown.contains(expected), shown);
        assertFalse(shown.contains("cr3t"), shown);
    }

    @Test
    void aTokenFollowedByAnotherParameterNamesThatParameterOnlyAfterAWholeJwt() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> DatabaseConfig.sqlite("libsql://h?authToken=" + TOKEN + "&syncUrl=x"));
        assertTrue(e.getMessage().contains("unsupported query parameter 'syncUrl'"), e.getMessage());
    }

    @Test
    void theImplementationSeesARemoteTarget() {
        assertTrue(MinoroRuntime.target(DatabaseType.SQLITE, "libsql://db.turso.io").remote());
        assertFalse(MinoroRuntime.target(DatabaseType.SQLITE, "file:/tmp/a.db").remote());
    }
}
