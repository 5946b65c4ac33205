package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlTokens;
import dev.minoro.testing.TestConfigs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Tokens and unreachable servers as Minoro's callers meet them, against a real sqld that checks tokens: a refused
 * token (401) or a read-only one used to write (403) fails {@code Minoro.create} or the repository call with a
 * {@link DatabaseException} that says what to fix and never holds the token; an unreachable server fails within
 * the connect timeout.
 */
final class LibsqlMinoroAuthIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path directory;

    private static LibsqlTokens key;
    private static LibsqlDatabase server;

    @BeforeAll
    static void start() {
        key = LibsqlTokens.newKey();
        server = key.server(directory);
        Minoro.migrateDatabase(DatabaseConfig.sqlite(server.url()).withAuthToken(key.token("{}"))).block(TIMEOUT);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static MinoroConfig config(DatabaseConfig database) {
        return MinoroConfig.builder().database(database).argon2(64, 1, 1).build();
    }

    /** Boots, creates a user, counts the users and closes: emits the count. */
    private static Mono<Long> createAUser(DatabaseConfig database, String email) {
        return Mono.usingWhen(Minoro.create(config(database)),
                minoro -> minoro.users().create(NewUser.of(email, TestConfigs.PASSWORD)).then(minoro.users().count()),
                Minoro::close);
    }

    @Test
    void aValidTokenWorksFromWithAuthTokenOrTheUrlWhichWins() {
        String token = key.token("{\"exp\":" + Instant.now().plusSeconds(600).getEpochSecond() + "}");
        createAUser(DatabaseConfig.sqlite(server.url()).withAuthToken(token), "amy@example.com")
                .as(StepVerifier::create).expectNextMatches(n -> n >= 1).verifyComplete();
        createAUser(DatabaseConfig.sqlite(server.url() + "?authToken=" + token).withAuthToken("wrong.token.here"),
                "bob@example.com")
                .as(StepVerifier::create).expectNextMatches(n -> n >= 1).verifyComplete();
    }

    @Test
    void aMissingTokenFailsTheBootSayingToSetOne() {
        assertRefused(DatabaseConfig.sqlite(server.url()), null, "the server requires an auth token: set authToken");
    }

    @Test
    void aWrongTokenFailsTheBootSayingItIsNotValid() throws Exception {
        String other = LibsqlTokens.newKey().token("{}");
        assertRefused(DatabaseConfig.sqlite(server.url()).withAuthToken(other), other,
                "the auth token is not valid for this server");
        assertRefused(DatabaseConfig.sqlite(server.url() + "?authToken=" + other), other,
                "the auth token is not valid for this server");
    }

    @Test
    void anExpiredTokenFailsTheBootSayingToCreateANewOne() {
        String expired = key.token("{\"exp\":" + Instant.now().minusSeconds(3600).getEpochSecond() + "}");
        assertRefused(DatabaseConfig.sqlite(server.url()).withAuthToken(expired), expired,
                "the auth token has expired: create a new one");
    }

    @Test
    void aReadOnlyTokenBootsAndReadsButAWriteSaysItCannotWrite() {
        String readOnly = key.token("{\"a\":\"ro\"}");
        DatabaseConfig database = DatabaseConfig.sqlite(server.url()).withAuthToken(readOnly);
        createAUser(database, "carl@example.com").as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    DatabaseException refused = assertInstanceOf(DatabaseException.class, e);
                    assertTrue(e.getMessage().startsWith("creating a user failed: "), e.getMessage());
                    assertTrue(e.getMessage().contains("a read-only token cannot write"), e.getMessage());
                    assertFalse(e.getMessage().contains(readOnly), "the message holds the token");
                    assertEquals(null, refused.errorCode());
                })
                .verify(TIMEOUT);
    }

    @Test
    void aClosedPortFailsTheBootSayingItCannotConnect() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Minoro.create(config(DatabaseConfig.sqlite("http://127.0.0.1:" + port))).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(DatabaseException.class, e);
                    assertTrue(e.getMessage().contains("could not connect to the libSQL server at http://127.0.0.1:"
                            + port), e.getMessage());
                })
                .verify(TIMEOUT);
    }

    /** A server that accepts TCP connections and never answers the TLS handshake: the connect timeout ends it. */
    @Test
    void aServerThatNeverAnswersTheHandshakeFailsWithinTheConnectTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            DatabaseConfig database = DatabaseConfig.sqlite("https://127.0.0.1:" + silent.getLocalPort())
                    .withConnectTimeout(Duration.ofMillis(500));
            Minoro.create(config(database)).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(DatabaseException.class, e);
                        assertTrue(e.getMessage().contains("within the connect timeout of PT0.5S"), e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
    }

    private static void assertRefused(DatabaseConfig database, String token, String hint) {
        Minoro.create(config(database)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    DatabaseException refused = assertInstanceOf(DatabaseException.class, e);
                    assertTrue(e.getMessage().startsWith("checking the schema version of the libSQL database at "
                            + server.url() + " failed: "), e.getMessage());
                    assertTrue(e.getMessage().contains("(HTTP 401)"), e.getMessage());
                    assertTrue(e.getMessage().contains(hint), e.getMessage());
                    if (token != null) {
                        assertFalse(e.getMessage().contains(token), "the message holds the token");
                        assertFalse(String.valueOf(refused.sqlState()).contains(token));
                    }
                })
                .verify(TIMEOUT);
    }
}
