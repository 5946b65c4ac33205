package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

/**
 * A server, or a proxy in front of it, whose error message echoes the request's {@code Authorization} header: the
 * driver's exception keeps the server's reason and masks the token. sqld never echoes it, so a loopback HTTP server
 * stands in for such a server: it answers every request with the given status and a body quoting the header. A real
 * sqld's statement errors, which quote what the statement named, are masked the same way; an answer whose body is
 * not Hrana's is reported without quoting it.
 */
final class LibsqlEchoedTokenIntegrationTests {

    /** A token that is no JWT, so that only its being the configured one masks it. */
    private static final String OPAQUE = "opaque-GjKmQx-token";

    /** A JWT the server quotes although it is not the one configured (a proxy's own, say). */
    private static final String OTHER_JWT = "eyJhbGciOiJFZERTQSJ9.eyJhIjoicm8ifQ.c2lnbmF0dXJl";

    static Stream<Arguments> aServerMessageQuotingTheTokenShowsItMasked() {
        return Stream.of(
                Arguments.of(401, "{\"error\":\"Authorization header 'Bearer %s' is not a valid JWT\"}",
                        "the libSQL server at %s refused the request (HTTP 401): Authorization header 'Bearer ****' is"
                                + " not a valid JWT; the auth token is not valid for this server"),
                Arguments.of(403, "{\"message\":\"token %s may not write\",\"code\":\"FORBIDDEN\"}",
                        "the libSQL server at %s forbade the request (HTTP 403): token **** may not write"),
                Arguments.of(500, "{\"error\":\"proxy failed forwarding authorization: bearer %s\"}",
                        "the libSQL server at %s answered HTTP 500: proxy failed forwarding authorization: bearer ****"),
                Arguments.of(502, "{\"error\":\"upstream refused " + OTHER_JWT + "\"}",
                        "the libSQL server at %s is busy or unavailable (HTTP 502): upstream refused ****; retry later"));
    }

    @ParameterizedTest
    @MethodSource
    void aServerMessageQuotingTheTokenShowsItMasked(int status, String body, String expected) throws IOException {
        HttpServer server = answering(status, "application/json", exchange -> String.format(body,
                String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")).substring("Bearer ".length()))
                .getBytes(StandardCharsets.UTF_8));
        failsSelectingOne(server, (url, error) -> {
            assertTrue(error instanceof R2dbcException, () -> "was " + error);
            assertTrue(error.getMessage().startsWith(String.format(expected, url)), error::getMessage);
            assertEquals(status, ((R2dbcException) error).getErrorCode());
            for (Throwable t = error; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains("GjKmQx"), "the token shows: " + t);
                assertFalse(String.valueOf(t.getMessage()).contains("c2lnbmF0dXJl"), "a JWT shows: " + t);
                assertFalse(t.toString().contains("GjKmQx"), "the token shows: " + t);
            }
        });
    }

    /**
     * A statement error from a real sqld whose message echoes what the statement named (here: a table named as the
     * configured token, as a JWT, as libSQL URLs with a token in their query and in their user information): the
     * driver's exception keeps the server's reason with every one of them masked.
     */
    @ParameterizedTest
    @MethodSource
    void aStatementErrorQuotingATokenOrAUrlShowsItMasked(String table, String shown) {
        try (LibsqlDatabase database = LibsqlServer.database()) {
            LibsqlConnectionFactory factory = new LibsqlConnectionFactory(database.configuration().authToken(OPAQUE)
                    .build());
            try {
                R2dbcCalls.update(factory, "SELECT * FROM \"" + table + "\"")
                        .as(StepVerifier::create)
                        .expectErrorSatisfies(error -> {
                            assertInstanceOf(R2dbcBadGrammarException.class, error);
                            assertTrue(error.getMessage().contains("no such table: " + shown), error::getMessage);
                            assertNoSecret(error);
                        })
                        .verify(LibsqlTesting.TIMEOUT);
            } finally {
                factory.close().block(LibsqlTesting.TIMEOUT);
            }
        }
    }

    static Stream<Arguments> aStatementErrorQuotingATokenOrAUrlShowsItMasked() {
        return Stream.of(
                Arguments.of(OPAQUE, "****"),
                Arguments.of(OTHER_JWT, "****"),
                Arguments.of("libsql://db.example.io?authToken=s3cr3t-GjKmQx", "libsql://db.example.io?authToken=****"),
                Arguments.of("https://s3cr3t-GjKmQx@db.example.io/v3", "https://****@db.example.io/v3"));
    }

    /**
     * An HTTP 200 answer whose body is not Hrana's JSON (a proxy's page, a truncated answer, rows of user data cut
     * off): the error says the body was unreadable, with its length and content type and the parser's error kind,
     * and quotes none of it, not even through a cause (a JSON parser's message quotes the text it stopped at). sqld
     * never answers so; a loopback HTTP server stands in.
     */
    @ParameterizedTest
    @MethodSource
    void aBodyThatIsNotHranaSaysSoWithoutQuotingIt(String body, String contentType, String kind) throws IOException {
        byte[] answer = body.getBytes(StandardCharsets.UTF_8);
        HttpServer server = answering(200, contentType, exchange -> answer);
        failsSelectingOne(server, (url, error) -> {
            assertInstanceOf(R2dbcNonTransientResourceException.class, error);
            assertEquals("PROTOCOL_ERROR", ((R2dbcException) error).getSqlState());
            assertEquals("the libSQL server at " + url + " sent a response the driver cannot read (an HTTP"
                    + " 200 answer whose body of " + answer.length + " bytes (Content-Type " + contentType
                    + ") is not a Hrana pipeline response: " + kind + "); is this a Hrana 3 server (sqld or"
                    + " Turso)?", error.getMessage());
            assertNull(error.getCause());
            assertNoSecret(error);
            assertFalse(error.toString().contains("private-row"), error::toString);
        });
    }

    static Stream<Arguments> aBodyThatIsNotHranaSaysSoWithoutQuotingIt() {
        return Stream.of(
                Arguments.of("<html>private-row s3cr3t-GjKmQx</html>", "text/html", "JsonParseException"),
                Arguments.of("{\"baton\":null,\"results\":[{\"type\":\"ok\",\"response\":{\"type\":\"execute\","
                        + "\"result\":{\"rows\":[[{\"type\":\"text\",\"value\":\"private-row s3cr3t-GjKmQx",
                        "application/json", "JsonEOFException"),
                Arguments.of("{\"results\":[{\"type\":\"private-row s3cr3t-GjKmQx\"}]}", "application/json",
                        "IOException"));
    }

    /** Neither the opaque token, nor any JWT's signature, nor the secret of a URL shows in the error or its causes. */
    private static void assertNoSecret(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            assertFalse(t.toString().contains("GjKmQx"), () -> "a secret shows: " + error);
            assertFalse(t.toString().contains("c2lnbmF0dXJl"), () -> "a JWT shows: " + error);
        }
    }

    /** A started HTTP server on the loopback that answers every request with {@code status} and {@code body}. */
    private static HttpServer answering(int status, String contentType,
            java.util.function.Function<com.sun.net.httpserver.HttpExchange, byte[]> body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] answer = body.apply(exchange);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        return server;
    }

    /** Runs {@code SELECT 1} through a factory on {@code server} (then stopped) and checks the error it fails with. */
    private static void failsSelectingOne(HttpServer server, java.util.function.BiConsumer<String, Throwable> check) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        LibsqlConnectionFactory factory = new LibsqlConnectionFactory(LibsqlConnectionConfiguration.builder().url(url)
                .authToken(OPAQUE).build());
        try {
            R2dbcCalls.update(factory, "SELECT 1")
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(error -> check.accept(url, error))
                    .verify(LibsqlTesting.TIMEOUT);
        } finally {
            factory.close().block(LibsqlTesting.TIMEOUT);
            server.stop(0);
        }
    }
}
