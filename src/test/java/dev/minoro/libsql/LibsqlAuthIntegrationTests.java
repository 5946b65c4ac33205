package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlTokens;
import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * Tokens against a real sqld started with {@code --auth-jwt-key-file} (an Ed25519 public key in PEM): sqld
 * checks {@code Authorization: Bearer <EdDSA JWT>}, with claim {@code "a": "ro"} for read-only and {@code exp}
 * (libsql-server's {@code auth/user_auth_strategies/jwt.rs}). Each failure is a typed R2DBC exception that says
 * what to fix and never holds the token.
 */
final class LibsqlAuthIntegrationTests {

    @TempDir
    static Path directory;

    private static LibsqlDatabase server;
    private static LibsqlTokens key;

    @BeforeAll
    static void start() throws Exception {
        key = LibsqlTokens.newKey();
        server = key.server(directory);
        LibsqlConnectionFactory admin = factory(key.token("{}"));
        R2dbcCalls.update(admin, "CREATE TABLE secrets (id INTEGER PRIMARY KEY, v TEXT)")
                .then(admin.close()).block(LibsqlTesting.TIMEOUT);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aValidTokenReadsAndWrites() {
        LibsqlConnectionFactory factory = factory(key.token(
                "{\"exp\":" + Instant.now().plusSeconds(600).getEpochSecond() + "}"));
        R2dbcCalls.update(factory, "INSERT INTO secrets (v) VALUES (?)", "x")
                .doFinally(s -> factory.close().subscribe())
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    @Test
    void aMissingTokenSaysTheServerRequiresOne() {
        assertRefused(null, "SELECT 1", 401, "the server requires an auth token: set authToken");
    }

    @Test
    void aTokenSignedByAnotherKeySaysItIsNotValid() throws Exception {
        PrivateKey other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        assertRefused(LibsqlTokens.jwt(other, "{}"), "SELECT 1", 401, "the auth token is not valid for this server");
    }

    @Test
    void aMalformedTokenSaysItIsNotValid() {
        assertRefused("not-a-jwt", "SELECT 1", 401, "the auth token is not valid for this server");
    }

    @Test
    void anExpiredTokenSaysToCreateANewOne() {
        String expired = key.token("{\"exp\":" + Instant.now().minusSeconds(3600).getEpochSecond() + "}");
        assertRefused(expired, "SELECT 1", 401, "the auth token has expired");
    }

    @Test
    void aReadOnlyTokenReadsButCannotWrite() {
        String readOnly = key.token("{\"a\":\"ro\"}");
        LibsqlConnectionFactory factory = factory(readOnly);
        R2dbcCalls.query(factory, "SELECT count(*) FROM secrets", row -> row.get(0, Long.class))
                .doFinally(s -> factory.close().subscribe())
                .as(StepVerifier::create).expectNextCount(1).verifyComplete();
        assertRefused(readOnly, "INSERT INTO secrets (v) VALUES ('no')", 403, "a read-only token cannot write");
    }

    private static void assertRefused(String token, String sql, int status, String hint) {
        LibsqlConnectionFactory factory = factory(token);
        try {
            R2dbcCalls.update(factory, sql)
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(error -> {
                        assertTrue(error instanceof R2dbcPermissionDeniedException, () -> "was " + error);
                        R2dbcException r2dbc = (R2dbcException) error;
                        assertEquals(status, r2dbc.getErrorCode());
                        assertTrue(error.getMessage().contains(hint), error::getMessage);
                        if (token != null) {
                            assertFalse(error.getMessage().contains(token), "the message holds the token");
                            assertFalse(String.valueOf(r2dbc.getSqlState()).contains(token));
                        }
                    })
                    .verify(LibsqlTesting.TIMEOUT);
            if (token != null) {
                assertFalse(factory.configuration().toString().contains(token), "toString holds the token");
            }
        } finally {
            factory.close().block(LibsqlTesting.TIMEOUT);
        }
    }

    private static LibsqlConnectionFactory factory(String token) {
        return new LibsqlConnectionFactory(LibsqlConnectionConfiguration.builder().url(server.url()).authToken(token)
                .build());
    }
}
