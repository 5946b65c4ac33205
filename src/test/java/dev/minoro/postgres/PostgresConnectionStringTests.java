package dev.minoro.postgres;

import static io.r2dbc.spi.ConnectionFactoryOptions.CONNECT_TIMEOUT;
import static io.r2dbc.spi.ConnectionFactoryOptions.DATABASE;
import static io.r2dbc.spi.ConnectionFactoryOptions.DRIVER;
import static io.r2dbc.spi.ConnectionFactoryOptions.HOST;
import static io.r2dbc.spi.ConnectionFactoryOptions.PASSWORD;
import static io.r2dbc.spi.ConnectionFactoryOptions.PORT;
import static io.r2dbc.spi.ConnectionFactoryOptions.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.internal.database.PostgresConnectionString;
import dev.minoro.testing.OtherScriptDigits;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.ChannelBindingMode;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

/** The libpq URI translation and the r2dbc URL pass-through, case by case. */
final class PostgresConnectionStringTests {

    /** Appears in every malformed string below as (part of) the password: no message may show it. */
    private static final String SECRET = "s3cr3t";

    @Test
    void translatesAFullUri() {
        PostgresConnectionString c = PostgresConnectionString.parse(
                "postgres://alice:" + SECRET + "@db.example.com:6543/app?sslmode=require&application_name=billing");
        ConnectionFactoryOptions o = c.options();
        assertEquals("postgresql", o.getValue(DRIVER));
        assertEquals("db.example.com", o.getValue(HOST));
        assertEquals(6543, o.getValue(PORT));
        assertEquals("alice", o.getValue(USER));
        assertEquals(SECRET, o.getValue(PASSWORD));
        assertEquals("app", o.getValue(DATABASE));
        assertEquals(SSLMode.REQUIRE, o.getValue(PostgresqlConnectionFactoryProvider.SSL_MODE));
        assertEquals("billing", o.getValue(PostgresqlConnectionFactoryProvider.APPLICATION_NAME));
        assertEquals("PostgreSQL database 'app' on db.example.com:6543 as user 'alice'", c.description());
        assertMasked("postgres://alice:****@db.example.com:6543/app?sslmode=require&application_name=billing",
                "postgres://alice:" + SECRET + "@db.example.com:6543/app?sslmode=require&application_name=billing");
        assertNull(c.pgbouncer());
    }

    @Test
    void appliesLibpqDefaults() {
        PostgresConnectionString c = PostgresConnectionString.parse("postgresql://alice@db.example.com");
        assertEquals(5432, c.port());
        assertEquals("alice", c.database());
        assertEquals(SSLMode.PREFER, c.sslMode());
        assertNull(c.options().getValue(PASSWORD));
        assertEquals("minoro", c.options().getValue(PostgresqlConnectionFactoryProvider.APPLICATION_NAME));
        assertNull(c.options().getValue(CONNECT_TIMEOUT));

        PostgresConnectionString bare = PostgresConnectionString.parse("postgres:///app");
        assertEquals("localhost", bare.host());
        assertEquals(System.getProperty("user.name"), bare.user());
        assertEquals("app", bare.database());

        PostgresConnectionString trailingSlash = PostgresConnectionString.parse("postgres://bob@h/");
        assertEquals("bob", trailingSlash.database());
    }

    @Test
    void schemeIsCaseInsensitive() {
        assertEquals("h", PostgresConnectionString.parse("POSTGRES://u@h/db").host());
        assertEquals("h", PostgresConnectionString.parse("PostgreSQL://u@h/db").host());
    }

    @ParameterizedTest
    @CsvSource(quoteCharacter = '"', value = {
        // what a password holds, percent-encoded as Neon, Supabase and encodeURIComponent do
        "p@ss,           p%40ss",
        "a:b,            a%3Ab",
        "a/b,            a%2Fb",
        "100%,           100%25",
        "#hash,          %23hash",
        "why?,           why%3F",
        "a&b=c,          a%26b%3Dc",
        "' or 1=1 --,    %27%20or%201%3D1%20--",
        "é€😀,           %C3%A9%E2%82%AC%F0%9F%98%80",
        "@:/%#?,         %40%3A%2F%25%23%3F",
        "plus+stays,     plus+stays",
        "colon:unencoded:too, colon:unencoded:too",
        // libpq ends the user information at the first '@' before any '/': '?' and '#' may stay as they are
        "why?not,        why?not",
        "s3#cr3t,        s3#cr3t",
        "s?e#c:r/e t+,   s?e#c:r%2Fe%20t+"
    })
    void decodesPasswords(String password, String encoded) {
        PostgresConnectionString c = PostgresConnectionString.parse("postgres://u:" + encoded + "@h/db");
        assertEquals(password, c.options().getValue(PASSWORD));
        assertEquals("u", c.user());
        assertEquals("h", c.host());
        assertFalse(c.toString().contains(encoded), c.toString());
        assertFalse(DatabaseConfig.postgres("postgres://u:" + encoded + "@h/db").toString().contains(encoded));
    }

    @Test
    void decodesUserAndDatabaseAndUsesTheUserAsDefaultDatabase() {
        PostgresConnectionString c = PostgresConnectionString.parse("postgres://app%40tenant%3A1@h/my%20db%2Fx");
        assertEquals("app@tenant:1", c.user());
        assertEquals("my db/x", c.database());
        assertEquals("app@tenant:1", PostgresConnectionString.parse("postgres://app%40tenant%3A1@h").database());
        // Supabase's pooler user names carry the project: postgres.abcdefgh
        assertEquals("postgres.abcdefgh", PostgresConnectionString.parse(
                "postgresql://postgres.abcdefgh:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres").user());
    }

    @ParameterizedTest
    @CsvSource({
        "postgres://u@[::1]:5433/db,          ::1,         5433, [::1]:5433",
        "postgres://u@[2001:db8::7]/db,       2001:db8::7, 5432, [2001:db8::7]:5432",
        "postgres://u@127.0.0.1:1/db,         127.0.0.1,   1,    127.0.0.1:1",
        "postgres://u@h:65535/db,             h,           65535, h:65535",
        "postgresql:///db?host=db.internal&port=6000&user=u, db.internal, 6000, db.internal:6000"
    })
    void readsHostsAndPorts(String url, String host, int port, String hostAndPort) {
        PostgresConnectionString c = PostgresConnectionString.parse(url);
        assertEquals(host, c.host());
        assertEquals(port, c.port());
        assertEquals(port, c.options().getValue(PORT));
        assertEquals(hostAndPort, c.hostAndPort());
    }

    @Test
    void takesConnectionPartsFromQueryParameters() {
        PostgresConnectionString c = PostgresConnectionString.parse(
                "postgresql://h?user=al%20ice&password=p%40ss&dbname=my%20db&port=6001");
        assertEquals("al ice", c.user());
        assertEquals("p@ss", c.options().getValue(PASSWORD));
        assertEquals("my db", c.database());
        assertEquals(6001, c.port());
        assertFalse(c.toString().contains("p%40ss"), c.toString());
    }

    @ParameterizedTest
    @CsvSource({
        "disable,     DISABLE",
        "allow,       ALLOW",
        "prefer,      PREFER",
        "require,     REQUIRE",
        "verify-ca,   VERIFY_CA",
        "verify-full, VERIFY_FULL"
    })
    void mapsEverySslMode(String libpq, SSLMode driver) {
        PostgresConnectionString c = PostgresConnectionString.parse("postgres://u@h/db?sslmode=" + libpq);
        assertEquals(driver, c.sslMode());
        assertEquals(driver, c.options().getValue(PostgresqlConnectionFactoryProvider.SSL_MODE));
        assertNull(c.sslRootCert());
    }

    @Test
    void requireWithARootCertificateVerifiesTheAuthorityAsLibpqDoes() {
        PostgresConnectionString c = PostgresConnectionString.parse(
                "postgres://u@h/db?sslmode=require&sslrootcert=%2Fetc%2Fssl%2Froot.crt");
        assertEquals(SSLMode.VERIFY_CA, c.sslMode());
        assertEquals("/etc/ssl/root.crt", c.sslRootCert());
        assertEquals("/etc/ssl/root.crt", c.options().getValue(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT));
        assertEquals(SSLMode.VERIFY_FULL, PostgresConnectionString.parse(
                "postgres://u@h/db?sslmode=verify-full&sslrootcert=/etc/ssl/root.crt").sslMode());
    }

    @Test
    void systemRootCertificatesMeanTheJvmsTrustStoreAndVerifyFull() {
        PostgresConnectionString c = PostgresConnectionString.parse("postgres://u@h/db?sslrootcert=system");
        assertEquals(SSLMode.VERIFY_FULL, c.sslMode());
        assertNull(c.sslRootCert());
        assertNull(c.options().getValue(PostgresqlConnectionFactoryProvider.SSL_ROOT_CERT));
        assertEquals(SSLMode.VERIFY_FULL, PostgresConnectionString.parse(
                "postgres://u@h/db?sslrootcert=system&sslmode=verify-full").sslMode());
    }

    @ParameterizedTest
    @CsvSource({
        // as libpq reads it: seconds, white space around allowed, zero or negative for none, 1 counts as 2
        "10,        PT10S",
        "%2010%20,  PT10S",
        "+10,       PT10S",
        "1,         PT2S",
        "0,         ",
        "-5,        "
    })
    void readsConnectTimeoutAsLibpqDoes(String text, Duration expected) {
        PostgresConnectionString c = PostgresConnectionString.parse("postgres://u@h/db?connect_timeout=" + text);
        assertEquals(expected, c.connectTimeout());
        assertEquals(expected, c.options().getValue(CONNECT_TIMEOUT));
    }

    @ParameterizedTest
    @CsvSource({
        "connectTimeout=PT3S,   PT3S",
        "connectTimeout=3s,     PT3S",
        "connectTimeout=1500,   PT1.5S",
        "connectTimeout=250ms,  PT0.25S",
        "sslMode=disable,       "
    })
    void readsTheConnectTimeoutOfAnR2dbcUrlAsTheDriverDoes(String option, Duration expected) {
        PostgresConnectionString c = PostgresConnectionString.parse("r2dbc:postgresql://u:p@h/db?" + option);
        assertEquals(expected, c.connectTimeout());
        assertEquals(expected, c.options().getValue(CONNECT_TIMEOUT));
    }

    /**
     * URIs that libpq (psql 15) reads as shown, each tried against a real server: every part may hold the
     * characters libpq lets it hold, and every part is percent-decoded.
     */
    @ParameterizedTest
    @MethodSource
    void readsEveryPartAsLibpqDoes(String uri, String host, int port, String user, String password, String database,
            String applicationName) {
        PostgresConnectionString c = PostgresConnectionString.parse(uri);
        assertEquals(host, c.host());
        assertEquals(port, c.port());
        assertEquals(user, c.user());
        assertEquals(password, c.options().getValue(PASSWORD));
        assertEquals(database, c.database());
        assertEquals(applicationName, c.options().getValue(PostgresqlConnectionFactoryProvider.APPLICATION_NAME));
        if (password != null) {
            assertFalse(c.toString().contains(password), c.toString());
            assertFalse(DatabaseConfig.postgres(uri).toString().contains(password), c.toString());
        }
    }

    static Stream<Arguments> readsEveryPartAsLibpqDoes() {
        return Stream.of(
                // issue 8.6: '@' belongs to the user information only until the first one
                Arguments.of("postgresql://app:secret%40@127.0.0.1:5432/appdb?sslmode=disable&application_name=svc@host1",
                        "127.0.0.1", 5432, "app", "secret@", "appdb", "svc@host1"),
                Arguments.of("postgresql://app:secret%40@127.0.0.1:5432?application_name=svc@host1&dbname=appdb",
                        "127.0.0.1", 5432, "app", "secret@", "appdb", "svc@host1"),
                Arguments.of("postgresql://127.0.0.1:5432/appdb?user=app&password=secret%40&application_name=a:b/c?d@e",
                        "127.0.0.1", 5432, "app", "secret@", "appdb", "a:b/c?d@e"),
                Arguments.of("postgresql://h/db?user=myadmin@myserver&password=p@ss", "h", 5432, "myadmin@myserver",
                        "p@ss", "db", "minoro"),
                // '#' is an ordinary character to libpq, and '+' stays '+'
                Arguments.of("postgresql://app:s?e#c:r%2Fe%20t+@h/db?application_name=a%3Db#frag", "h", 5432, "app",
                        "s?e#c:r/e t+", "db", "a=b#frag"),
                Arguments.of("postgresql://app:pw@h/a%40b/c#d?application_name=a+b", "h", 5432, "app", "pw", "a@b/c#d",
                        "a+b"),
                // empty values: an empty application_name is sent as such, an empty dbname means the user's
                Arguments.of("postgresql://app@h?dbname=&application_name=", "h", 5432, "app", null, "app", ""),
                Arguments.of("postgresql://app:@h:/db", "h", 5432, "app", null, "db", "minoro"),
                Arguments.of("postgresql:///?host=&port=&user=app&dbname=&sslrootcert=", "localhost", 5432, "app", null,
                        "app", "minoro"),
                Arguments.of("postgresql://:pw@h/db?user=", "h", 5432, System.getProperty("user.name"), "pw", "db",
                        "minoro"),
                // IPv6 literals, followed by a port, a path, a query or nothing; a zone percent-encoded
                Arguments.of("postgresql://app@[::1]/db", "::1", 5432, "app", null, "db", "minoro"),
                Arguments.of("postgresql://app@[::1]?port=6000&dbname=db", "::1", 6000, "app", null, "db", "minoro"),
                Arguments.of("postgresql://app@[::1]", "::1", 5432, "app", null, "app", "minoro"),
                Arguments.of("postgresql://app@[fe80::1%25eth0]:5433/db", "fe80::1%eth0", 5433, "app", null, "db",
                        "minoro"),
                // percent-encoding in every part, parameter names included
                Arguments.of("postgresql://%61pp:%70w@%31%32%37.0.0.1:%35%35432/%64b?%61pplication_name=%73vc",
                        "127.0.0.1", 55432, "app", "pw", "db", "svc"));
    }

    @Test
    void sslTrueMeansRequireAsInLibpq() {
        assertEquals(SSLMode.REQUIRE, PostgresConnectionString.parse("postgres://u@h/db?ssl=true").sslMode());
    }

    @Test
    void masksThePasswordWhereTheParserFindsIt() {
        String uri = "postgresql://app:s3cr3t%40@127.0.0.1:5432/appdb?sslmode=disable&application_name=svc@host1";
        String masked = "postgresql://app:****@127.0.0.1:5432/appdb?sslmode=disable&application_name=svc@host1";
        assertMasked(masked, uri);
        assertTrue(DatabaseConfig.postgres(uri).toString().contains("connection=" + masked),
                DatabaseConfig.postgres(uri).toString());
        assertMasked("postgresql://h/db?user=x&password=****&application_name=a@b",
                "postgresql://h/db?user=x&password=s3cr3t&application_name=a@b");
        assertMasked("r2dbc:postgresql://u:****@h:5432/db?applicationName=svc@host1&sslPassword=****",
                "r2dbc:postgresql://u:s3%40cr3t@h:5432/db?applicationName=svc@host1&sslPassword=k3y");
    }

    /** {@code connection} is valid, and {@code DatabaseConfig.toString()} shows it as {@code masked}. */
    private static void assertMasked(String masked, String connection) {
        PostgresConnectionString.parse(connection);
        String shown = DatabaseConfig.postgres(connection).toString();
        assertTrue(shown.contains(", connection=" + masked + ", "), shown);
    }

    @Test
    void readsAnR2dbcUrlWithEncodedCharactersAndAnAtInTheQuery() {
        PostgresConnectionString c = PostgresConnectionString.parse(
                "r2dbc:postgresql://u:s3%40cr3t%2B%2F%3F%23@h:5432/db?applicationName=svc@host1");
        assertEquals("s3@cr3t+/?#", String.valueOf(c.options().getValue(PASSWORD)));
        assertEquals("h", c.host());
        assertEquals(5432, c.port());
        assertEquals("svc@host1", c.options().getValue(PostgresqlConnectionFactoryProvider.APPLICATION_NAME));
        assertMasked("r2dbc:postgresql://u:****@h:5432/db?applicationName=svc@host1",
                "r2dbc:postgresql://u:s3%40cr3t%2B%2F%3F%23@h:5432/db?applicationName=svc@host1");
    }

    @ParameterizedTest
    @MethodSource
    void translatesOptionsIntoStartupParameters(String options, Map<String, String> expected) {
        PostgresConnectionString c = PostgresConnectionString.parse("postgres://u@h/db?options=" + options);
        assertEquals(expected.isEmpty() ? null : expected,
                c.options().getValue(PostgresqlConnectionFactoryProvider.OPTIONS));
    }

    static Stream<Arguments> translatesOptionsIntoStartupParameters() {
        return Stream.of(
                Arguments.of("-c%20search_path%3Dauth", Map.of("search_path", "auth")),
                Arguments.of("-c search_path=auth", Map.of("search_path", "auth")),
                Arguments.of("-csearch_path=auth", Map.of("search_path", "auth")),
                Arguments.of("--search_path=auth", Map.of("search_path", "auth")),
                Arguments.of("--statement-timeout=5s", Map.of("statement_timeout", "5s")),
                Arguments.of("-c%20search_path%3Dauth,public%20-c%20statement_timeout%3D5000",
                        Map.of("search_path", "auth,public", "statement_timeout", "5000")),
                Arguments.of("-c%20application_name%3Dmy\\%20app", Map.of("application_name", "my app")),
                Arguments.of("%20%20", Map.of()));
    }

    @Test
    void readsPoolerModeAndChannelBinding() {
        assertEquals(Boolean.TRUE, PostgresConnectionString.parse("postgres://u@h/db?pgbouncer=true").pgbouncer());
        assertEquals(Boolean.FALSE, PostgresConnectionString.parse("postgres://u@h/db?pgbouncer=false").pgbouncer());
        assertEquals(ChannelBindingMode.REQUIRE, PostgresConnectionString.parse(
                "postgresql://u:p@ep-cool-darkness-123456.eu-central-1.aws.neon.tech/neondb"
                        + "?sslmode=require&channel_binding=require")
                .options().getValue(PostgresqlConnectionFactoryProvider.CHANNEL_BINDING));
    }

    @Test
    void toleratesEmptyQueryPairs() {
        assertEquals(SSLMode.REQUIRE, PostgresConnectionString.parse("postgres://u@h/db?&sslmode=require&").sslMode());
        assertEquals(SSLMode.PREFER, PostgresConnectionString.parse("postgres://u@h/db?").sslMode());
    }

    @Test
    void passesR2dbcUrlsThrough() {
        PostgresConnectionString c = PostgresConnectionString.parse(
                "r2dbc:postgresql://u:" + SECRET + "@h:5433/db?sslMode=require&connectTimeout=PT3S");
        assertEquals("h", c.host());
        assertEquals(5433, c.port());
        assertEquals("db", c.database());
        assertEquals("u", c.user());
        assertEquals(SSLMode.REQUIRE, c.sslMode());
        assertEquals(SECRET, c.options().getValue(PASSWORD));
        assertEquals("minoro", c.options().getValue(PostgresqlConnectionFactoryProvider.APPLICATION_NAME));
        assertFalse(c.toString().contains(SECRET), c.toString());

        PostgresConnectionString pooled = PostgresConnectionString.parse("r2dbc:pool:postgresql://u:p@h/db");
        assertEquals("postgresql", pooled.options().getValue(DRIVER));
        assertFalse(pooled.options().hasOption(ConnectionFactoryOptions.PROTOCOL), pooled.toString());
        assertEquals("postgres", PostgresConnectionString.parse("r2dbc:pool:postgres://u:p@h/db").options()
                .getValue(DRIVER));
        assertEquals(5432, pooled.port());
        assertEquals(SSLMode.DISABLE, pooled.sslMode());
        assertEquals(SSLMode.VERIFY_FULL, PostgresConnectionString.parse("r2dbc:postgresql://u@h/db?ssl=true").sslMode());
    }

    @ParameterizedTest
    @MethodSource
    void rejectsWithAMessageThatNamesTheProblemAndNeverThePassword(String connection, String expected) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> DatabaseConfig.postgres(connection));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), () -> "the password leaked: " + e.getMessage());
        assertFalse(e.getMessage().contains("cr3t"), () -> "part of the password leaked: " + e.getMessage());
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains("cr3t"), () -> "a cause leaked the password: " + e);
        }
    }

    /**
     * Numbers in the digits of another script, which Java's number parsing reads as ASCII ones: a port, a
     * connection timeout, a {@code %XX} escape in a password. Each is refused as a wrong number or a bad escape,
     * never read as the number or the character it looks like to Java.
     */
    @ParameterizedTest
    @MethodSource
    void digitsOfOtherScriptsAreNotDigits(String connection, String expected) {
        rejectsWithAMessageThatNamesTheProblemAndNeverThePassword(connection, expected);
    }

    static Stream<Arguments> digitsOfOtherScriptsAreNotDigits() {
        String port = "the port is not a number between 1 and 65535";
        String escape = "has a '%' that does not start a %XX escape";
        return Stream.of(
                writtenInOtherScripts("5432", n -> "postgres://u:" + SECRET + "@h:" + n + "/db", port),
                writtenInOtherScripts("5432", n -> "postgres://u:" + SECRET + "@h/db?port=" + n, port),
                writtenInOtherScripts("10", n -> "postgres://u:" + SECRET + "@h/db?connect_timeout=" + n,
                        "connect_timeout must be a whole number of seconds"),
                writtenInOtherScripts("3", n -> "postgres://u:s3%" + n + "Acr3t@h/db", "the password " + escape),
                writtenInOtherScripts("3", n -> "postgres://u@h/db?password=s3%" + n + "Acr3t", escape),
                writtenInOtherScripts("5432", n -> "r2dbc:postgresql://u:" + SECRET + "@h:" + n + "/db", port),
                writtenInOtherScripts("10", n -> "r2dbc:postgresql://u:" + SECRET + "@h/db?connectTimeout=" + n + "s",
                        "connectTimeout must be a duration"),
                writtenInOtherScripts("3", n -> "r2dbc:postgresql://u:s3%" + n + "Acr3t@h/db", "%XX"),
                writtenInOtherScripts("64", n -> "r2dbc:postgresql://u:" + SECRET + "@h/db?fetchSize=" + n,
                        "option 'fetchSize' of the r2dbc URL holds a digit other than ASCII 0-9 (not shown)"),
                writtenInOtherScripts("0", n -> "r2dbc:postgresql://u:" + SECRET + "@h/db"
                        + "?preparedStatementCacheQueries=" + n,
                        "option 'preparedStatementCacheQueries' of the r2dbc URL holds a digit other than ASCII"))
                .flatMap(cases -> cases);
    }

    /** {@code connection} with {@code number} written in each other script, each expecting {@code expected}. */
    private static Stream<Arguments> writtenInOtherScripts(String number, Function<String, String> connection,
            String expected) {
        return OtherScriptDigits.of(number).stream().map(n -> Arguments.of(connection.apply(n), expected));
    }

    /**
     * An option value r2dbc-postgresql refuses when Minoro opens the database (it checks types there): Minoro's
     * error names the option and has no cause, whose message would quote the value, which may be the rest of a
     * password holding an unencoded '&'. Opening fails before connecting to anything.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sslPassword=p&fetchSize=s3cr3t                   | Cannot assign option fetchSize (NumberFormatException;"
                + " the value is not shown: it may hold a secret)",
        "preparedStatementCacheQueries=s3cr3t             | Cannot assign option preparedStatementCacheQueries",
        "sslPassword=p&options=s3cr3t                     | Cannot assign option options (IllegalArgumentException;"
                + " the value is not shown"
    })
    void anOptionTheDriverRefusesOnOpeningNeverShowsItsValue(String query, String expected) {
        DatabaseConfig config = DatabaseConfig.postgres("r2dbc:postgresql://u:pw@127.0.0.1:1/db?" + query);
        Minoro.create(MinoroConfig.of(config))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertTrue(e instanceof ConfigurationException, () -> "was " + e);
                    assertTrue(e.getMessage().startsWith("invalid PostgreSQL connection option: " + expected),
                            e::getMessage);
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertFalse(String.valueOf(t.getMessage()).contains("cr3t"), "shows the value: " + t);
                    }
                })
                .verify(Duration.ofMinutes(1));
    }

    static Stream<Arguments> rejectsWithAMessageThatNamesTheProblemAndNeverThePassword() {
        return Stream.of(
                Arguments.of("mysql://u:" + SECRET + "@h/db", "neither a libpq URI nor an r2dbc URL (it starts with 'mysql:')"),
                Arguments.of("u:" + SECRET + "@h/db", "neither a libpq URI nor an r2dbc URL"),
                Arguments.of(" postgres://u:" + SECRET + "@h/db", "leading or trailing white space"),
                Arguments.of("postgres://u:s3@cr3t@h/db", "an '@' follows the user information before the host ends"
                        + " (libpq ends the user information at the first '@', so the user name or password holds an"
                        + " unencoded '@'; the rest is not shown); percent-encode '@' in the user name and password as"
                        + " %40"),
                Arguments.of("postgres://u:s3cr3t@@h/db", "an '@' follows the user information before the host ends"),
                Arguments.of("postgres://us@cr3t:pw@h/db", "an '@' follows the user information before the host ends"),
                Arguments.of("postgres://u:pw@h@s3cr3t:5432/db", "percent-encode '@' in the user name and password as"
                        + " %40"),
                Arguments.of("postgres://u:s3/cr3t@h/db", "the port is not a number between 1 and 65535; if the"
                        + " password holds '/', percent-encode it as %2F"),
                Arguments.of("postgres://u:12/s3cr3t@h/db", "percent-encode '@', '/' and '%' in the user name and password"),
                Arguments.of("postgres://u:s3cr3t/@h:5432/db", "if the password holds '/', percent-encode it as %2F"),
                Arguments.of("postgres://u:7000/s3cr3t?sslmode=x@h/db", "the value of sslmode holds an '@'"),
                Arguments.of("postgres://u:12/db?s3cr3t@h/db", "unknown parameter in the PostgreSQL connection string"
                        + " (not shown: it comes before a later '@', and may be part of a password split there;"
                        + " percent-encode '@', '/' and '%' in the user name and password (as %40, %2F, %25))"),
                // a password with unencoded '@' and '/', '?' or '&': the parser would take a piece of it for the host,
                // the database, a parameter's name or value (libpq reads these the same way)
                Arguments.of("postgresql://app:s3@cr3t/x@localhost:5432/db", "the database name holds an unencoded '@'"
                        + " (not shown: a password holding '@' and '/' splits a URI that way); percent-encode '@', '/'"
                        + " and '%' in the user name and password (as %40, %2F, %25)"),
                Arguments.of("postgres://app:s3@cr3t/x@localhost/db?sslmode=disable", "the database name holds"),
                Arguments.of("postgresql://s3@cr3t/x:pw@localhost/db", "the database name holds an unencoded '@'"),
                Arguments.of("postgresql://app:s3@%2Fcr3t/x@localhost/db", "host (not shown: it may be part of a password)"
                        + " is a Unix-domain socket"),
                Arguments.of("postgresql://app:s3@h?cr3t=1@localhost/db", "unknown parameter in the PostgreSQL"
                        + " connection string (not shown: it comes before a later '@'"),
                Arguments.of("postgresql://app:s3@h?sslmode=cr3t@localhost/db", "the value of sslmode holds an '@'"),
                Arguments.of("postgresql://app:s3@h?sslmode=cr3t&application_name=x@localhost/db",
                        "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, was (not shown:"
                                + " it comes before a later '@', and may be part of a password split there;"
                                + " percent-encode '@', '/' and '%' in the user name and password (as %40, %2F, %25))"),
                Arguments.of("postgresql://app:s3@h?connect_timeout=cr3t&application_name=x@y", "connect_timeout must be"
                        + " a whole number of seconds (0 for none), was (not shown"),
                Arguments.of("postgresql://u@h/db?password=s3&cr3t=1", "unknown parameter in the PostgreSQL connection"
                        + " string (not shown: it follows password=, and may be the rest of a password holding an"
                        + " unencoded '&': write '&' in a password as %26)"),
                Arguments.of("postgresql://u@h/db?password=s3&pgbouncer=cr3t", "pgbouncer must be true or false, was"
                        + " (not shown"),
                Arguments.of("r2dbc:postgresql://app:s3@cr3t/x@localhost:5432/db", "the path of the r2dbc URL holds an"
                        + " unencoded '@' (not shown: a password holding '@' and '/' splits a URL that way)"),
                Arguments.of("r2dbc:pool:postgresql://app:s3@cr3t/x@localhost/db", "the path of the r2dbc URL holds"),
                Arguments.of("r2dbc:postgresql://app:s3@cr3t#x@localhost/db", "the r2dbc URL holds a '#', after which"
                        + " r2dbc URLs drop the rest (not shown: it may be part of a password); percent-encode '#' as"
                        + " %23"),
                Arguments.of("r2dbc:postgresql://app:pw@h/db?applicationName=a#s3cr3t", "holds a '#'"),
                Arguments.of("r2dbc:postgresql://app:s3@h?cr3t=1@localhost/db", "unknown option in the r2dbc URL (not"
                        + " shown: it comes before a later '@', and may be part of a password split there"),
                Arguments.of("r2dbc:postgresql://app:s3@h?sslMode=cr3t@localhost/db", "sslMode must be one of disable,"
                        + " allow, prefer, require, verify-ca, verify-full, was (not shown"),
                Arguments.of("r2dbc:postgresql://app:pw@h/db?sslPassword=s3&cr3t=1", "unknown option in the r2dbc URL"
                        + " (not shown: it follows a secret option, and may be the rest of a secret value holding an"
                        + " unencoded '&'; write '&' there as %26)"),
                Arguments.of("r2dbc:postgresql://app:pw@h/db?sslPassword=&=s3cr3t&sslMode=require", "query parameter 2"
                        + " of the r2dbc URL has no name (not shown: it may be a piece of a secret"),
                Arguments.of("r2dbc:postgresql://app:pw@h/db?sslPassword=s3&connectTimeout=cr3t", "connectTimeout must"
                        + " be a duration such as PT10S or 10s, was (not shown"),
                Arguments.of("postgresql://127.0.0.1:5432?dbname=app&application_name=s3cr3t@host1",
                        "put '/' between the host and '?' (postgresql://host:5432/?name=a@b)"),
                Arguments.of("postgresql://h?sslmode=disable&application_name=s3cr3t@host1",
                        "put '/' between the host and '?'"),
                Arguments.of("postgres://u:s3%zzcr3t@h/db", "the password has a '%' that does not start a %XX escape"),
                Arguments.of("postgres://u:s3%C3%28cr3t@h/db", "the password is not valid UTF-8"),
                Arguments.of("postgres://u:" + SECRET + "@h:abc/db", "the port is not a number between 1 and 65535"),
                Arguments.of("postgres://u:" + SECRET + "@h:0/db", "the port must be between 1 and 65535, was 0"),
                Arguments.of("postgres://u:" + SECRET + "@h:70000/db", "the port must be between 1 and 65535, was 70000"),
                Arguments.of("postgres://u:" + SECRET + "@h1,h2:5433/db", "it names several hosts"),
                Arguments.of("postgres://u:" + SECRET + "@h1:5432,h2:5433/db", "it names several hosts"),
                Arguments.of("postgres://u:" + SECRET + "@[::1]:5432,[::2]/db", "it names several hosts"),
                Arguments.of("postgres://u:" + SECRET + "@/db?host=h1,h2", "it names several hosts"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?port=5432,5433", "it names several hosts"),
                Arguments.of("postgres://u:" + SECRET + "@[]:5432/db", "the IPv6 address in the host part is empty"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?application_name=a%00b",
                        "the value of application_name holds a NUL character (%00)"),
                Arguments.of("postgres://u:s3%00cr3t@h/db", "the password holds a NUL character (%00)"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?ssl=false", "ssl must be true (libpq reads ssl=true as"
                        + " sslmode=require and accepts no other value)"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?ssl=true&sslmode=disable",
                        "parameter sslmode is given twice (ssl=true means sslmode=require)"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslmode=", "sslmode must be one of disable, allow,"
                        + " prefer, require, verify-ca, verify-full, was ''"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslmode=require#section", "was 'require#section'"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?connect_timeout=", "connect_timeout must be a whole"
                        + " number of seconds (0 for none), was ''"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?connect_timeout=99999999999", "connect_timeout must be"
                        + " a whole number"),
                Arguments.of("postgres://u:" + SECRET + "@%2Fvar%2Frun%2Fpostgresql/db", "is a Unix-domain socket"),
                Arguments.of("postgres://u@/db?host=%2Ftmp&password=" + SECRET, "is a Unix-domain socket"),
                Arguments.of("postgres://u:" + SECRET + "@[::1/db", "has no closing ']'"),
                Arguments.of("postgres://u:" + SECRET + "@[::1]x/db", "unexpected characters after the IPv6 address"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslmode=bogus",
                        "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, was 'bogus'"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslmode=REQUIRE", "sslmode must be one of"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslmode", "parameter sslmode has no value"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslmode=require&sslmode=disable",
                        "parameter sslmode is given twice"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?user=v", "user is given both in the URI and as a parameter"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?password=x", "password is given both"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?foo=1", "unknown parameter 'foo' in the PostgreSQL"
                        + " connection string; supported are sslmode, sslrootcert, application_name, connect_timeout,"
                        + " options, channel_binding, pgbouncer, host, port, user, password, dbname, ssl"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?schema=auth", "use DatabaseConfig.withSchema(...)"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslMode=require", "unknown parameter 'sslMode' in the"
                        + " PostgreSQL connection string (did you mean 'sslmode'?) (libpq URIs spell parameters in lower"
                        + " case with underscores); supported are sslmode,"),
                // near misses, another case, libpq's own parameters Minoro does not take
                Arguments.of("postgres://u:" + SECRET + "@h/db?ssl_mode=require", "unknown parameter 'ssl_mode' in the"
                        + " PostgreSQL connection string (did you mean 'sslmode'?); supported are"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslrootcrt=/ca.pem", "unknown parameter 'sslrootcrt'"
                        + " in the PostgreSQL connection string (did you mean 'sslrootcert'?); supported are"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?connect_timout=5", "(did you mean 'connect_timeout'?)"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?applicationName=app", "unknown parameter"
                        + " 'applicationName' in the PostgreSQL connection string (did you mean 'application_name'?)"
                        + " (libpq URIs spell parameters in lower case with underscores)"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?PGBOUNCER=true", "(did you mean 'pgbouncer'?)"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?target_session_attrs=read-write", "libpq parameter"
                        + " 'target_session_attrs' in the PostgreSQL connection string is not supported by Minoro;"
                        + " supported are sslmode, sslrootcert,"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslcert=/c.pem&sslkey=/k.pem", "libpq parameter"
                        + " 'sslcert' in the PostgreSQL connection string is not supported by Minoro"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?sslrootcert=system&sslmode=require",
                        "sslmode 'require' may not be used with sslrootcert=system"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?connect_timeout=1.5", "connect_timeout must be a whole number"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?options=-d%205", "options may only hold settings"
                        + " (-c name=value or --name=value), but has '-d'"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?options=-c", "'-c' must be followed by name=value"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?options=-c%20search_path",
                        "a setting must be name=value, was 'search_path'"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?options=-c%20a%3D1%20-c%20a%3D2", "setting a is given twice"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?channel_binding=bogus",
                        "channel_binding must be one of disable, prefer, require, was 'bogus'"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?pgbouncer=maybe", "pgbouncer must be true or false, was 'maybe'"),
                Arguments.of("postgres://u:" + SECRET + "@h/db?application_name=%E0", "the value of application_name is not valid UTF-8"),
                Arguments.of("r2dbc:mysql://u:" + SECRET + "@h/db", "neither a libpq URI nor an r2dbc URL"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?bogusOption=1",
                        "unknown option 'bogusOption' in the r2dbc URL; r2dbc-postgresql understands"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?sslmde=require",
                        "unknown option 'sslmde' in the r2dbc URL (did you mean 'sslMode' or 'sslmode'?);"
                                + " r2dbc-postgresql understands"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?applicationname=app",
                        "unknown option 'applicationname' in the r2dbc URL (did you mean 'applicationName'?)"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?sslRootCrt=/ca.pem",
                        "unknown option 'sslRootCrt' in the r2dbc URL (did you mean 'sslRootCert'?)"),
                Arguments.of("r2dbc:pool:postgresql://u:" + SECRET + "@h/db?maxsize=4",
                        "unknown option 'maxsize' in the r2dbc URL (did you mean 'maxSize'?)"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?s3cr3t%20pa55=1",
                        "unknown option (not shown: its name does not look like an option name) in the r2dbc URL"),
                Arguments.of("r2dbc:pool:postgresql://u:" + SECRET + "@h/db?maxSize=20",
                        "r2dbc URL option 'maxSize' configures a pool; Minoro builds its own from DatabaseConfig"),
                Arguments.of("r2dbc:postgresql://h/db?sslMode=require", "the r2dbc URL names no user"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?sslMode=bogus", "sslMode must be one of"),
                Arguments.of("r2dbc:postgresql:u:" + SECRET + "@h", "it is not a valid r2dbc URL"),
                // r2dbc URLs: what java.net.URI and r2dbc-spi would read otherwise than meant
                Arguments.of("r2dbc:postgresql://u:s3@cr3t@h:5432/db", "the user information of the r2dbc URL holds"
                        + " an '@'; percent-encode '@' in the user name and password as %40"),
                Arguments.of("r2dbc:postgresql://u:s3@cr3t@h/db", "percent-encode '@' in the user name and password"),
                Arguments.of("r2dbc:pool:postgresql://u:s3@cr3t@h:5432/db", "percent-encode '@' in the user name"),
                Arguments.of("r2dbc:postgresql://u:s3+cr3t@h/db", "holds a '+', which r2dbc URLs read as a space;"
                        + " write '+' as %2B"),
                Arguments.of("r2dbc:postgresql://u:s3/cr3t@h/db", "names no user before its host; if the user name or"
                        + " password holds '/', '?' or '#', percent-encode them"),
                Arguments.of("r2dbc:postgresql://u:s3?cr3t@h/db", "percent-encode them (as %2F, %3F, %23)"),
                Arguments.of("r2dbc:postgresql://u:s3#cr3t@h/db", "percent-encode them (as %2F, %3F, %23)"),
                Arguments.of("r2dbc:postgresql://u:s3 cr3t@h/db", "the password of the r2dbc URL holds a character"
                        + " that URLs take only percent-encoded (not shown); percent-encode spaces and the characters"),
                Arguments.of("r2dbc:postgresql://u:s3%zzcr3t@h/db", "the password of the r2dbc URL has a '%' that does"
                        + " not start a %XX escape (not shown); write a literal '%' as %25"),
                Arguments.of("r2dbc:postgresql://us%zzcr3t:pw@h/db", "the user name of the r2dbc URL has a '%' that"
                        + " does not start a %XX escape"),
                Arguments.of("r2dbc:postgresql://u:pw@h/d%zzcr3t", "the database name of the r2dbc URL has a '%' that"
                        + " does not start a %XX escape"),
                Arguments.of("r2dbc:postgresql://u:pw@h/db?sslMode=s3%zzcr3t", "the query of the r2dbc URL has a '%'"),
                Arguments.of("R2DBC:postgresql://u:" + SECRET + "@h/db", "an r2dbc URL's scheme is read in lower case"
                        + " only: write r2dbc:postgresql:// or r2dbc:pool:postgresql://"),
                Arguments.of("R2DBC:POOL:POSTGRESQL://u:" + SECRET + "@h/db", "an r2dbc URL's scheme is read in lower"
                        + " case only"),
                // r2dbc-spi splits at the last "://": what comes before it is the driver and a protocol
                Arguments.of("r2dbc:postgresql:/u:://s3cr3t:@h/db", "the r2dbc URL names more than a driver before its"
                        + " '://' (not shown: a password holding '://' splits a URL that way); percent-encode ':' and"
                        + " '/' in the user name and password as %3A and %2F"),
                Arguments.of("r2dbc:pool:postgresql:x/s3cr3t://u@h/db", "the r2dbc URL names more than a driver"),
                Arguments.of("r2dbc:pool:postgresql:failover://u:" + SECRET + "@h1,h2/db", "the r2dbc URL names a"
                        + " protocol after the driver, which Minoro does not use (one host, over TCP)"),
                Arguments.of("r2dbc:postgresql:failover://u:" + SECRET + "@h1,h2/db", "the r2dbc URL names a protocol"
                        + " after the driver, which Minoro does not use (one host, over TCP)"),
                Arguments.of("r2dbc:postgresql://u:pw@h/db?applicationName=a@b&sslMode=bogus", "sslMode must be one of"
                        + " disable, allow, prefer, require, verify-ca, verify-full, was 'bogus'"),
                Arguments.of("r2dbc:postgresql://u:pw@h/db?sslMode=s3cr3t&applicationName=a@b", "sslMode must be one of"
                        + " disable, allow, prefer, require, verify-ca, verify-full, was (not shown: it comes before a"
                        + " later '@', and may be part of a password split there; percent-encode '@', '/', '?', '#',"
                        + " '%' and '+' in the user name and password)"),
                Arguments.of("r2dbc:postgresql://u:pw@h/db?sslPassword=s3&cr3t=1&sslMode=x", "unknown option in the"
                        + " r2dbc URL (not shown: it follows a secret option, and may be the rest of a secret value"
                        + " holding an unencoded '&'; write '&' there as %26)"),
                Arguments.of("r2dbc:postgresql://u:pw@h/db?%73slMode=s3cr3t&applicationName=a@b", "was (not shown"),
                // an '@' in a query value after the last '@': the value is shown, for it cannot be part of a password
                Arguments.of("postgresql://u:s3cr3t@h/db?application_name=a@b&sslmode=bogus", "sslmode must be one of"
                        + " disable, allow, prefer, require, verify-ca, verify-full, was 'bogus'"),
                Arguments.of("postgresql://u:s3%40cr3t@h/db?sslmode=bogus", "verify-full, was 'bogus'"),
                Arguments.of("postgresql://u@h/db?password=s3@cr3t&sslmode=bogus", "sslmode must be one of disable,"
                        + " allow, prefer, require, verify-ca, verify-full, was (not shown: it follows password=, and"
                        + " may be the rest of a password holding an unencoded '&': write '&' in a password as %26)"),
                Arguments.of("r2dbc:postgresql://u:s3%C3%28cr3t@h/db", "the password is not valid UTF-8"),
                Arguments.of("r2dbc:postgresql://u:s3%00cr3t@h/db", "the password holds a NUL character"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h:70000/db", "the port must be between 1 and 65535,"
                        + " was 70000"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h:5x/db", "the port is not a number between 1 and"
                        + " 65535"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?connectTimeout=soon",
                        "connectTimeout must be a duration such as PT10S or 10s, was 'soon'"),
                // what r2dbc-spi would drop without a word, or refuse quoting the URL: a parameter without '=' (a
                // misspelled option, or a password pasted after '?') and the options it does not allow in the query
                Arguments.of("r2dbc:postgresql://u@h/db?" + SECRET, "query parameter 1 of the r2dbc URL has no '='"
                        + " (not shown: it may be a secret); each option is written name=value"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?sslMode=require&sslmde",
                        "query parameter 2 of the r2dbc URL has no '='"),
                Arguments.of("r2dbc:pool:postgresql://u@h/db?" + SECRET + "&maxSize=3", "query parameter 1 of the"),
                Arguments.of("r2dbc:postgresql://u@h/db?password=" + SECRET, "an r2dbc URL cannot give 'password' as a"
                        + " query parameter; write it in the URL itself: r2dbc:postgresql://user:password@host:port/"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?user=v", "cannot give 'user' as a query"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?sslMode=require&host=other",
                        "cannot give 'host' as a query"),
                Arguments.of("r2dbc:postgresql://u:" + SECRET + "@h/db?database=other", "cannot give 'database'"));
    }

    @Test
    void configToStringNeverShowsThePassword() {
        DatabaseConfig config = DatabaseConfig.postgres("postgres://u:" + SECRET + "@h/db?sslmode=require")
                .withSchema("auth").withPoolerMode(true);
        assertFalse(config.toString().contains(SECRET), config.toString());
        assertTrue(config.toString().contains("postgres://u:****@h/db?sslmode=require"), config.toString());
    }
}
