package dev.minoro.examples.webflux;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example with its {@code postgres} profile, as the README runs it: {@code DATABASE_URL} names a real PostgreSQL
 * server (started here from the embedded binaries, on loopback) where the application's role must give its password.
 * The context is closed after the class, so that Minoro's connections end before the server does (at JVM exit).
 */
@ActiveProfiles("postgres")
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
final class PostgresIntegrationTests extends WebfluxExampleIntegrationTests {

    private static final String ROLE = "webflux";
    private static final String ROLE_PASSWORD = "a database password for tests";
    /** The password as a URL's user information carries it, percent-encoded. */
    private static final String ROLE_PASSWORD_IN_URL = ROLE_PASSWORD.replace(" ", "%20");

    private static EmbeddedPostgres server;

    @BeforeAll
    static void startPostgres() throws IOException, SQLException {
        server = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("fsync", "off")
                // the superuser (who prepares the database below) is trusted; the application's role is not
                .setDataDirectoryCustomizer(directory -> {
                    try {
                        Files.writeString(directory.toPath().resolve("pg_hba.conf"), "local all all trust\n"
                                + "host all postgres 127.0.0.1/32 trust\n"
                                + "host all all 127.0.0.1/32 scram-sha-256\n");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .start();
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'");
            statement.execute("CREATE DATABASE " + ROLE + " OWNER " + ROLE);
            try (ResultSet version = statement.executeQuery("SELECT version()")) {
                version.next();
                System.out.println("[minoro] PostgreSQL for the WebFlux example's tests: embedded binaries: "
                        + version.getString(1));
            }
        }
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        // what application-postgres.yml reads
        registry.add("DATABASE_URL", () -> "postgres://" + ROLE + ":" + ROLE_PASSWORD_IN_URL + "@127.0.0.1:"
                + server.getPort() + "/" + ROLE);
    }

    /** The application's log says where its tables are, by server, database and user, and never the password. */
    @Test
    void theLogNamesTheDatabaseButNotItsPassword(CapturedOutput output) {
        assertTrue(output.getAll().contains("Applied migration 1 (create_schema) to the PostgreSQL database '"
                + ROLE + "' on 127.0.0.1:" + server.getPort() + " as user '" + ROLE + "'"), output.getAll());
        assertFalse(output.getAll().contains(ROLE_PASSWORD), "the database password is in the log");
        assertFalse(output.getAll().contains(ROLE_PASSWORD_IN_URL), "the database password is in the log");
    }

    @Override
    String database() {
        return "postgres";
    }
}
