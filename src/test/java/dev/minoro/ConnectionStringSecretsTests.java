package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.minoro.internal.database.PostgresConnectionString;
import dev.minoro.libsql.LibsqlConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Passwords and tokens drawn from a hostile alphabet ({@code @ / ? # : % & = +}, blanks, brackets, quotes, non-ASCII,
 * over-long runs), pasted unencoded into every connection-string form {@link DatabaseConfig} takes: whatever the
 * parser makes of them, neither the message of the {@link ConfigurationException} nor {@code toString()} (of the
 * config and of the parsed PostgreSQL connection, whose host, port and database end up in later messages) shows any
 * part of the secret; and the same secret, percent-encoded as {@code encodeURIComponent} does, reads back exactly.
 *
 * <p>A secret is made of <em>marks</em>, runs of letters that no message holds ({@code GjKmQx}), between hostile
 * characters; "any part" means any four letters of a mark in a row.
 */
final class ConnectionStringSecretsTests {

    private static final String UPPER = "GJKMQVWXYZ";
    private static final String LOWER = "gjkqvwxz";

    /** What a pasted secret holds between its marks: each splits one connection-string form or another. */
    private static final List<String> HOSTILE = List.of("@", "/", "?", "#", ":", "%", "&", "=", "+", " ", ";", ",", "[",
            "]", "'", "\"", "\\", "%4", "%zz", "%40", "%2F", "@/", "/@", "?@", ":@", "://", "é", "😀", "!", "*", "$", "~");

    /** Every form a PostgreSQL password is written in; {@code S} stands for it. */
    private static final List<String> POSTGRES_FORMS = List.of(
            "postgresql://app:S@localhost:5432/db",
            "postgres://app:S@localhost/db?sslmode=disable",
            "postgresql://app:S@db.example.com",
            "postgresql://app:S@localhost:5432/db?application_name=svc@host1",
            "postgresql://app@localhost/db?password=S",
            "postgresql://app@localhost/db?password=S&sslmode=require",
            "postgresql://localhost:5432/db?user=app&password=S&connect_timeout=5",
            "r2dbc:postgresql://app:S@localhost:5432/db",
            "r2dbc:postgresql://app:S@localhost/db?sslMode=require",
            "r2dbc:pool:postgresql://app:S@localhost/db",
            "r2dbc:postgresql://app:pw@localhost/db?sslPassword=S&sslMode=require",
            // a secret under a name the parser does not take
            "postgresql://app@localhost/db?sslpassword=S",
            "postgresql://app@localhost/db?token=S",
            "postgresql://app@localhost/db?authToken=S&sslmode=require",
            "r2dbc:postgresql://app@localhost/db?authToken=S",
            "r2dbc:postgresql://app@localhost/db?apiKey=S&sslMode=require");

    /** Every form a libSQL token (or a secret of a local file) is written in. */
    private static final List<String> SQLITE_FORMS = List.of(
            "libsql://localhost:8080?authToken=S",
            "libsql://localhost:8080?tls=0&authToken=S",
            "https://db.example.com?authToken=S&tls=1",
            "http://localhost:8080?authtoken=S",
            "libsql://localhost:8080?password=S",
            "https://app:S@db.example.com",
            "file:/tmp/auth.db?key=S",
            "file:/tmp/auth.db?password=S&mode=ro",
            "file://app:S@server/auth.db");

    /**
     * Connection strings Minoro refuses, or reads otherwise than the known forms, with a secret ({@code ${s}}) where
     * a password or token is pasted: unknown and upper-case schemes, {@code jdbc:} prefixes, no host, bad ports, bad
     * escapes, an '@' in the user information or a value, white space, unknown or bad parameters, secrets in the query
     * of forms that take none. (Not tried: a secret holding {@code ://} after a scheme-like word where no
     * {@code ://} comes before it, as in {@code r2dbc:postgresql:u:pass://word@host}: the masker reads what precedes
     * that {@code ://} as the scheme, as it must for {@code r2dbc:pool:postgresql://}.)
     */
    private static final List<String> MALFORMED_FORMS = List.of(
            // no form Minoro knows
            "app://${s}@host/db", "app://u:${s}@host/db", "APP://u:${s}@host/db?password=${s}",
            "mysql://u:${s}@host:3306/db", "jdbc:postgresql://u:${s}@host/db",
            "jdbc:postgresql://host/db?user=u&password=${s}", "jdbc:sqlite:file:/tmp/a.db?password=${s}",
            "u:${s}@host/db", "host/db?password=${s}", "r2dbc:mysql://u:${s}@host/db",
            "r2dbc:pool:mysql://u:${s}@host/db", "r2dbc://u:${s}@host/db", "r2dbc:libsql://host?authToken=${s}",
            "postgres:/u:${s}@host/db", "postgres//u:${s}@host/db", "postgresql:u:${s}@host/db",
            // libpq URIs
            " postgres://u:${s}@host/db", "postgres://u:${s}@host/db\t", "postgres://u:${s}@/db",
            "postgres://u:${s}@host:abc/db", "postgres://u:${s}@host:99999/db", "postgres://u:${s}@host:-1/db",
            "postgres://u:${s}@[::1/db", "postgres://u:${s}@host,host2/db", "postgresql://u:${s}%zz@host/db",
            "postgresql://u:${s}%4@host/db", "postgres://us@er:${s}@host/db", "postgres://u:${s}@host/db#frag",
            "POSTGRES://u:${s}@host/db?sslmode=bogus", "postgres://u:${s}@host/db?sslmode=bogus",
            "postgres://u:${s}@host/db?bogus=1", "postgres://u:${s}@host/db?password",
            "postgres://u@host/db?password=${s}&sslmode=bogus", "postgres://u@host/db?password=${s}&bogus=1",
            "postgres://u:${s}@host/db?connect_timeout=x", "postgres://u:${s}@host/db?options=-c%20x",
            "postgres://u:${s}@host/db?host=h2", "postgres://u:${s}@host/db?sslmode=require&sslmode=disable",
            "postgres://u:${s}@host/db?application_name=a@b&sslmode=bogus", "postgres://u:${s}@host/d%zz",
            "postgres://u:${s}@host/db?sslrootcert=system&sslmode=require", "postgres://u:${s}@host/db?pgbouncer=x",
            // r2dbc URLs
            "r2dbc:postgresql://u:${s}@host/db?password=${s}", "r2dbc:postgresql://u@host/db?password=${s}",
            "r2dbc:postgresql://host/db?user=u&password=${s}", "r2dbc:pool:postgresql://u:${s}@host/db?maxSize=3",
            "R2DBC:POSTGRESQL://u:${s}@host/db", "r2dbc:postgresql://u:${s}@host:abc/db",
            "r2dbc:postgresql://u:${s}@/db", "r2dbc:postgresql://u:${s}@host/db?sslMode=bogus",
            "r2dbc:postgresql:/u:${s}@host/db",
            "r2dbc:postgresql://u:${s}@host/db?user=x", "r2dbc:postgresql://u:${s}@host/d b",
            "r2dbc:postgresql://u:${s} @host/db", "r2dbc:postgresql://u:${s}@host/db?sslPassword=${s}&bogus=1",
            "r2dbc:postgresql://u:${s}@host/db?connectTimeout=x", "r2dbc:pool:postgresql://u:${s}@host/db#x",
            // libSQL URLs
            "libsql://${s}@host:8080", "https://${s}@host", "http://u:${s}@host:8080", "wss://u:${s}@host",
            "ws://host:8080?authToken=${s}", "libsql://host?authToken=${s}&bogus=1", "libsql://host?authtoken=${s}",
            "libsql://host?auth_token=${s}", "libsql://host?authToken=${s}#frag", "libsql://host:abc?authToken=${s}",
            "libsql://?authToken=${s}", "libsql:///db?authToken=${s}", "libsql://host?tls=bogus&authToken=${s}",
            "libsql://host?authToken=${s}&tls=bogus", "LIBSQL://host?authToken=${s}", "http://host?authToken=${s}",
            "libsql:host?authToken=${s}", "https://host?authToken=${s}&password=${s}",
            "libsql://host?authToken=${s} ", "libsql://host/p@th?authToken=${s}",
            // local files
            "file:/tmp/a.db?password=${s}", "file::memory:?key=${s}", ":memory:?password=${s}",
            "file://u:${s}@server/a.db", "file:/tmp/a.db#${s}");

    @Provide
    Arbitrary<String> secrets() {
        Arbitrary<String> mark = Arbitraries.integers().between(0, UPPER.length() * LOWER.length() - 1).list()
                .ofMinSize(2).ofMaxSize(4).map(ConnectionStringSecretsTests::mark);
        Arbitrary<String> hostile = Arbitraries.of(HOSTILE);
        Arbitrary<String> longMark = mark.map(m -> m.repeat(40));
        Arbitrary<String> piece = Arbitraries.frequencyOf(Tuple.of(4, hostile), Tuple.of(5, mark), Tuple.of(1, longMark));
        Arbitrary<String> secret = mark.list().ofMinSize(1).ofMaxSize(4).flatMap(marks -> piece.list()
                .ofMinSize(marks.size()).ofMaxSize(marks.size() + 3).map(pieces -> interleave(marks, pieces)));
        // and some that start with a hostile piece: "app:/pw@host" reads as host "app", path "/pw@host"
        return secret.flatMap(s -> Arbitraries.of(HOSTILE).injectNull(0.6).map(first -> first == null ? s : first + s));
    }

    /** Pairs of letters, one of {@link #UPPER} and one of {@link #LOWER}: a run that no message holds four of. */
    private static String mark(List<Integer> pairs) {
        StringBuilder mark = new StringBuilder();
        for (int pair : pairs) {
            mark.append(UPPER.charAt(pair % UPPER.length())).append(LOWER.charAt(pair / UPPER.length()));
        }
        return mark.toString();
    }

    /** The marks, each followed by the hostile pieces (and further marks) in turn, so that every mark is there. */
    private static String interleave(List<String> marks, List<String> pieces) {
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < pieces.size(); i++) {
            if (i < marks.size()) {
                secret.append(marks.get(i));
            }
            secret.append(pieces.get(i));
        }
        return secret.toString();
    }

    @Property(tries = 400)
    void anUnencodedPasswordNeverShows(@ForAll("secrets") String password) {
        for (String form : POSTGRES_FORMS) {
            String connection = form.replace("S", password);
            assertNotShown(password, connection, () -> DatabaseConfig.postgres(connection).toString());
            assertNotShown(password, connection, () -> DatabaseConfig.of(connection).toString());
            assertNotShown(password, connection, () -> PostgresConnectionString.parse(connection).toString());
        }
    }

    @Property(tries = 400)
    void anUnencodedTokenNeverShows(@ForAll("secrets") String token) {
        for (String form : SQLITE_FORMS) {
            String connection = form.replace("S", token);
            assertNotShown(token, connection, () -> DatabaseConfig.sqlite(connection).toString());
            assertNotShown(token, connection, () -> DatabaseConfig.of(connection).toString());
        }
        String other = "postgresql://app:" + token + "@localhost/db";
        assertNotShown(token, other, () -> DatabaseConfig.sqlite(other).toString());
        String noScheme = "app:" + token + "@localhost/db";
        assertNotShown(token, noScheme, () -> DatabaseConfig.of(noScheme).toString());
    }

    /**
     * Whatever Minoro makes of a malformed or unsupported connection string holding a secret, through each entry
     * point ({@link DatabaseConfig#of(String)}, {@code sqlite}, {@code postgres}, the PostgreSQL parser, the libSQL
     * R2DBC driver's options), no message, cause's message or {@code toString()} shows a piece of the secret, and
     * what fails fails with Minoro's typed error.
     */
    @Property(tries = 300)
    void aSecretInAMalformedConnectionNeverShows(@ForAll("secrets") String secret) {
        for (String form : MALFORMED_FORMS) {
            String connection = form.replace("${s}", secret);
            assertNotShown(secret, connection, () -> shown(DatabaseConfig.of(connection)));
            assertNotShown(secret, connection, () -> shown(DatabaseConfig.sqlite(connection)));
            assertNotShown(secret, connection, () -> shown(DatabaseConfig.postgres(connection)));
            assertNotShown(secret, connection, () -> PostgresConnectionString.parse(connection).toString());
        }
    }

    /**
     * The libSQL R2DBC driver, given the options r2dbc-spi read from a URL holding a token in its query, shows none of
     * it. (A token pasted as user information with a '/' and then a '?' in it is not tried: r2dbc-spi reads its start
     * as the host and path and drops the rest, so that the options no longer show it was one.)
     */
    @Property(tries = 300)
    void aTokenInAnR2dbcLibsqlUrlNeverShows(@ForAll("secrets") String token) {
        for (String form : List.of("r2dbc:libsql://host?authToken=${s}&bogus=1", "r2dbc:libsql://host?authtoken=${s}",
                "r2dbc:libsql://host:8080?authToken=${s}&tls=bogus",
                "r2dbc:libsql://host?authToken=${s}&requestTimeout=x", "r2dbc:libsql://host:8080?password=${s}",
                "r2dbc:libsql://host:8080?tls=0&authToken=${s}&connectTimeout=-1")) {
            String url = form.replace("${s}", token);
            ConnectionFactoryOptions options;
            try {
                options = ConnectionFactoryOptions.parse(url);
            } catch (IllegalArgumentException refusedByTheSpi) {
                continue;
            }
            assertNotShown(token, url, () -> {
                try {
                    return LibsqlConnectionFactoryProvider.configuration(options).toString();
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("the driver refused: " + e.getMessage(), e);
                }
            });
        }
    }

    private static String shown(DatabaseConfig config) {
        return config + "\n" + MinoroConfig.of(config);
    }

    @Property(tries = 400)
    void aPercentEncodedPasswordReadsBackExactly(@ForAll("secrets") String password) {
        if (password.indexOf('\0') >= 0) {
            return;
        }
        // as encodeURIComponent: everything but letters, digits and -_.!~*'() escaped, a space as %20
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        for (String form : List.of("postgresql://app:S@localhost:5432/db", "postgres://app@localhost/db?password=S",
                "r2dbc:postgresql://app:S@localhost:5432/db", "r2dbc:pool:postgresql://app:S@localhost/db")) {
            String connection = form.replace("S", encoded);
            PostgresConnectionString parsed = PostgresConnectionString.parse(connection);
            assertEquals(password, String.valueOf(parsed.options().getValue(ConnectionFactoryOptions.PASSWORD)),
                    connection);
            assertEquals("localhost", parsed.host(), connection);
            assertEquals("app", parsed.user(), connection);
            assertNotShown(password, connection, () -> DatabaseConfig.postgres(connection).toString());
        }
    }

    /**
     * {@code shown} (a {@code toString()}) and, when it throws, the message of the {@link ConfigurationException} and
     * of each cause, hold no four letters in a row of a mark of {@code secret}.
     */
    private static void assertNotShown(String secret, String connection, Supplier<String> shown) {
        String text = shownOrRefused(shown);
        for (String window : windows(secret)) {
            assertFalse(text.contains(window), () -> "'" + window + "' of the secret in " + connection + " shows: "
                    + text);
        }
    }

    /** What {@code shown} gives, or the messages of the {@link ConfigurationException} it throws and its causes. */
    private static String shownOrRefused(Supplier<String> shown) {
        try {
            return shown.get();
        } catch (ConfigurationException e) {
            StringBuilder messages = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            return messages.toString();
        }
    }

    /** Every four letters in a row of the marks of {@code secret}. */
    private static List<String> windows(String secret) {
        List<String> windows = new ArrayList<>();
        int run = 0;
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            run = (UPPER.indexOf(c) >= 0 || LOWER.indexOf(c) >= 0) ? run + 1 : 0;
            if (run >= 4) {
                windows.add(secret.substring(i - 3, i + 1));
            }
        }
        return windows;
    }
}
