package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.PostgresCertificates;
import dev.minoro.testing.PostgresEmbedded;
import dev.minoro.testing.PostgresInstance;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * sslmode against real servers: one with {@code ssl=on}, a certificate made here, and a {@code pg_hba.conf}
 * that admits SSL connections only; one without SSL. Both from the embedded binaries, whatever server the
 * rest of the run uses, since their configuration is the point.
 */
final class PostgresSslIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SSL_ROLE = "minoro_ssl_only";
    private static final String PLAIN_ROLE = "minoro_plain_only";
    private static final String RIGHT_PASSWORD = "right password";

    private static Path directory;
    private static Path rootCert;
    private static Path wrongRootCert;
    private static PostgresEmbedded.Started sslOnly;
    private static PostgresEmbedded.Started plain;
    /** SSL on; one role may log in over SSL only, one over plain TCP only, both with a password. */
    private static PostgresEmbedded.Started mixed;

    @BeforeAll
    static void startServers() throws IOException {
        directory = Files.createTempDirectory("minoro-ssl-");
        PostgresCertificates authority = PostgresCertificates.authority("Minoro Test CA");
        rootCert = authority.writeCertificate(directory.resolve("root.crt"));
        wrongRootCert = PostgresCertificates.authority("Someone Else's CA").writeCertificate(directory.resolve("other.crt"));
        PostgresCertificates server = authority.server(List.of("localhost"), List.of("127.0.0.1"));
        Path cert = server.writeCertificate(directory.resolve("server.crt"));
        Path key = server.writeKey(directory.resolve("server.key"));
        sslOnly = withSsl(cert, key)
                // 127.0.0.2 is loopback too, but not a name in the certificate.
                .setting("listen_addresses", "'127.0.0.1,127.0.0.2'")
                .hba("local all all trust\nhostssl all all 127.0.0.0/8 trust\n")
                .start();
        plain = PostgresEmbedded.builder().start();
        mixed = withSsl(cert, key)
                .hba("local all all trust\n"
                        + "host all postgres 127.0.0.1/32 trust\n"
                        + "hostssl all " + SSL_ROLE + " 127.0.0.1/32 scram-sha-256\n"
                        + "hostnossl all " + PLAIN_ROLE + " 127.0.0.1/32 scram-sha-256\n")
                .start();
        Database admin = MinoroRuntime.open(DatabaseConfig.postgres(mixed.url("postgres", "sslmode=require"))).block(TIMEOUT);
        try {
            for (String role : List.of(SSL_ROLE, PLAIN_ROLE)) {
                admin.withConnection("creating a role", c -> Flux.from(c.createStatement("CREATE ROLE " + role
                        + " LOGIN PASSWORD '" + RIGHT_PASSWORD + "'").execute()).flatMap(r -> r.getRowsUpdated()).then())
                        .block(TIMEOUT);
            }
        } finally {
            admin.close().block(TIMEOUT);
        }
    }

    /** An embedded server with {@code ssl=on} and this certificate and key. */
    private static PostgresEmbedded withSsl(Path cert, Path key) {
        return PostgresEmbedded.builder()
                .setting("ssl", "on")
                .setting("ssl_cert_file", "server.crt")
                .setting("ssl_key_file", "server.key")
                .dataDirectory(data -> {
                    PostgresEmbedded.copyForServer(cert, data, "server.crt");
                    PostgresEmbedded.copyForServer(key, data, "server.key");
                });
    }

    @AfterAll
    static void stopServers() throws IOException {
        try {
            if (sslOnly != null) {
                sslOnly.close();
            }
        } finally {
            if (plain != null) {
                plain.close();
            }
            if (mixed != null) {
                mixed.close();
            }
            if (directory != null) {
                PostgresEmbedded.deleteRecursively(directory);
            }
        }
    }

    @Test
    void requireConnectsEncrypted() {
        expectEncrypted(sslOnly.url("postgres", "sslmode=require"));
    }

    @Test
    void preferUsesSslWhereTheServerOffersItAndPlainWhereNot() {
        expectEncrypted(sslOnly.url("postgres", "sslmode=prefer"));
        expectEncrypted(sslOnly.url("postgres", ""));
        expectConnection(plain.url("postgres", "sslmode=prefer"), "false");
    }

    /**
     * sslmode=prefer and allow fall back where libpq does: pg_hba.conf refused that kind of connection. Each
     * connection shows up as one refused login at most on the server.
     */
    @Test
    void preferAndAllowFallBackWhenPgHbaRefusesOneKindOfConnection() throws InterruptedException {
        PostgresInstance.ServerLog log = PostgresInstance.ServerLog.file(mixed.log());
        long mark = log.mark();
        // prefer: SSL first; pg_hba.conf refuses it for this role ("... SSL encryption"), so plain, as libpq does
        expectConnection(mixedUrl(PLAIN_ROLE, RIGHT_PASSWORD, "prefer"), "false");
        // allow: plain first; refused for this role ("... no encryption"), so SSL
        expectConnection(mixedUrl(SSL_ROLE, RIGHT_PASSWORD, "allow"), "true");
        expectConnection(mixedUrl(SSL_ROLE, RIGHT_PASSWORD, "prefer"), "true");
        String logged = logUntilNow(log, mark);
        assertEquals(2, PostgresConnectingIntegrationTests.refusedLogins(logged, PLAIN_ROLE)
                + PostgresConnectingIntegrationTests.refusedLogins(logged, SSL_ROLE),
                "one refusal by pg_hba.conf for each fallback:\n" + logged);
    }

    /** Issue 8.9 on an SSL server: a wrong password is checked once, whatever the SSL mode. */
    @Test
    void aWrongPasswordIsCheckedOnceWhateverTheSslMode() throws InterruptedException {
        PostgresInstance.ServerLog log = PostgresInstance.ServerLog.file(mixed.log());
        for (String mode : List.of("prefer", "allow", "require")) {
            long mark = log.mark();
            expectFailure(mixedUrl(SSL_ROLE, "wr0ng", mode), message -> assertTrue(message.contains(
                    "password authentication failed for user '" + SSL_ROLE + "'"), message));
            String text = logUntilNow(log, mark);
            assertEquals(1, count(text, "password authentication failed for user \"" + SSL_ROLE + "\""),
                    "sslmode=" + mode + ":\n" + text);
        }
        long mark = log.mark();
        // prefer with the plain-only role: the SSL attempt is refused by pg_hba.conf, the plain one checks the password
        expectFailure(mixedUrl(PLAIN_ROLE, "wr0ng", "prefer"), message -> assertTrue(message.contains(
                "password authentication failed for user '" + PLAIN_ROLE + "'"), message));
        String text = logUntilNow(log, mark);
        assertEquals(1, count(text, "password authentication failed for user \"" + PLAIN_ROLE + "\""), text);
    }

    private static String mixedUrl(String role, String password, String sslMode) {
        return "postgresql://" + role + ":" + PostgresInstance.encode(password) + "@127.0.0.1:" + mixed.port()
                + "/postgres?sslmode=" + sslMode;
    }

    /** The log since {@code mark}, once everything logged before now is in it. */
    private static String logUntilNow(PostgresInstance.ServerLog log, long mark) throws InterruptedException {
        return PostgresConnectingIntegrationTests.logUntilNow(log, mark,
                user -> "postgresql://" + user + ":x@127.0.0.1:" + mixed.port() + "/postgres?sslmode=disable");
    }

    private static int count(String text, String what) {
        int count = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void verifyFullWithTheRightRootCertificateConnects() {
        expectEncrypted(sslOnly.url("postgres", "sslmode=verify-full&sslrootcert=" + encode(rootCert)));
        expectEncrypted(sslOnly.url("postgres", "sslmode=verify-ca&sslrootcert=" + encode(rootCert)));
        // libpq: require with a root certificate verifies the authority
        expectEncrypted(sslOnly.url("postgres", "sslmode=require&sslrootcert=" + encode(rootCert)));
    }

    @Test
    void verifyFullWithAnotherRootCertificateFailsClearly() {
        String url = sslOnly.url("postgres", "sslmode=verify-full&sslrootcert=" + encode(wrongRootCert));
        expectFailure(url, message -> assertTrue(message.startsWith("connecting failed: the SSL handshake with 127.0.0.1:"
                + sslOnly.port() + " failed (PostgreSQL database 'postgres' on 127.0.0.1:" + sslOnly.port() + " as user"
                + " 'postgres'): the server's certificate is not signed by an authority in sslrootcert '" + wrongRootCert
                + "' (sslmode=verify-full)"), message));
        expectFailure(sslOnly.url("postgres", "sslmode=require&sslrootcert=" + encode(wrongRootCert)),
                message -> assertTrue(message.contains("not signed by an authority in sslrootcert"), message));
    }

    @Test
    void verifyFullAgainstTheJvmsAuthoritiesRejectsATestCertificate() {
        expectFailure(sslOnly.url("postgres", "sslrootcert=system"), message -> assertTrue(message.contains(
                "the server's certificate is not signed by an authority in the JVM's trusted certificate authorities"
                        + " (sslmode=verify-full)"), message));
    }

    @Test
    void verifyFullChecksTheHostNameButVerifyCaDoesNot() {
        String other = "postgresql://postgres@127.0.0.2:" + sslOnly.port() + "/postgres?sslrootcert=" + encode(rootCert);
        expectEncrypted(other + "&sslmode=verify-ca");
        expectFailure(other + "&sslmode=verify-full", message -> assertTrue(message.startsWith("connecting failed: the"
                + " server's certificate does not name the host '127.0.0.2' (sslmode=verify-full); connect with the name"
                + " in the certificate or use sslmode=verify-ca"), message));
    }

    @Test
    void disableAgainstAServerThatRequiresSslFailsClearly() {
        expectFailure(sslOnly.url("postgres", "sslmode=disable"), message -> assertEquals("connecting failed: the server"
                + " at 127.0.0.1:" + sslOnly.port() + " accepts only SSL connections, but sslmode is disable (PostgreSQL"
                + " database 'postgres' on 127.0.0.1:" + sslOnly.port() + " as user 'postgres'); use sslmode=require or"
                + " verify-full", message));
    }

    @Test
    void requireAgainstAServerWithoutSslFailsClearly() {
        expectFailure(plain.url("postgres", "sslmode=require"), message -> assertEquals("connecting failed: the server at"
                + " 127.0.0.1:" + plain.port() + " does not accept SSL, but sslmode is require; enable ssl on the server"
                + " or use sslmode=prefer (PostgreSQL database 'postgres' on 127.0.0.1:" + plain.port() + " as user"
                + " 'postgres')", message));
    }

    @Test
    void aMissingRootCertificateFileIsAConfigurationError() {
        Path missing = directory.resolve("missing.crt");
        DatabaseConfig config = DatabaseConfig.postgres(sslOnly.url("postgres", "sslmode=verify-full&sslrootcert="
                + encode(missing)));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> MinoroRuntime.open(config).block(TIMEOUT));
        assertEquals("sslrootcert file '" + missing + "' does not exist or cannot be read", e.getMessage());
    }

    private static void expectEncrypted(String url) {
        expectConnection(url, "true");
    }

    private static void expectConnection(String url, String ssl) {
        Database database = MinoroRuntime.open(DatabaseConfig.postgres(url)).block(TIMEOUT);
        try {
            database.withConnection("reading the SSL state", c -> Flux.from(c.createStatement(
                                    "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").execute())
                            .flatMap(r -> r.map((row, m) -> row.get(0, String.class))).single())
                    .as(StepVerifier::create)
                    .expectNext(ssl)
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    private static void expectFailure(String url, Consumer<String> check) {
        Database database = MinoroRuntime.open(DatabaseConfig.postgres(url)).block(TIMEOUT);
        try {
            database.withConnection("connecting", c -> Flux.from(c.createStatement("SELECT 1").execute()).then())
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(DatabaseException.class, e);
                        check.accept(e.getMessage());
                    })
                    .verify(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    private static String encode(Path file) {
        return URLEncoder.encode(file.toString(), StandardCharsets.UTF_8);
    }
}
