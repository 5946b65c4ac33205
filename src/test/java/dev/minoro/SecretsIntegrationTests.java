package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlTokens;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.ReliabilityFigures;
import dev.minoro.testing.SecretsProbe;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No password, password hash or connection-string password reaches a log line, an exception message,
 * a stack trace or a {@code toString()}: a child JVM runs every flow that handles one with logging at
 * TRACE, and its whole output is searched; on a SQLite file, on PostgreSQL and on a libSQL server with a token
 * (issue 9, suite item 7; issue 12).
 */
@ExtendWith(PostgresServer.class)
final class SecretsIntegrationTests {

    private static final String PASSWORD = "Tr0ub4dor&3-unique-probe-secret";
    private static final String DB_PASSWORD = "pg-Secr3t-in-url";

    @TempDir
    Path directory;

    @Test
    void noSecretReachesTheOutput() throws Exception {
        String connection = "file:" + directory.resolve("secrets.db");
        probe(connection, TestConfigs.sqliteFile(directory, "secrets.db"), DB_PASSWORD);
    }

    /**
     * The same flows on PostgreSQL, as a role that logs in with a password (SCRAM) given in the URL: neither it nor
     * anything of the users' passwords reaches the output.
     */
    @Test
    void noSecretReachesTheOutputOnPostgres(PostgresDatabase db) throws Exception {
        String role = "secrets_probe_" + System.nanoTime();
        String rolePassword = "pg-Role-Secr3t-" + System.nanoTime();
        db.server().execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + rolePassword + "'",
                "ALTER DATABASE " + db.name() + " OWNER TO " + role);
        String connection = db.server().url(role, rolePassword, db.name());
        probe(connection, db.config(), rolePassword);
    }

    /**
     * The same flows on a libSQL server that requires a token, given in the URL ({@code ?authToken=}): neither it,
     * nor a wrong or unused token of a boot that fails, nor anything of the users' passwords reaches the output.
     */
    @Test
    void noSecretReachesTheOutputOnLibsql() throws Exception {
        LibsqlTokens key = LibsqlTokens.newKey();
        try (LibsqlDatabase server = key.server(directory)) {
            String token = key.token("{\"probe\":\"" + System.nanoTime() + "\"}");
            String wrongToken = LibsqlTokens.newKey().token("{\"probe\":\"wrong\"}");
            String unusedToken = key.token("{\"probe\":\"unreachable\"}");
            probe(server.url() + "?authToken=" + token, DatabaseConfig.sqlite(server.url()).withAuthToken(token),
                    token, List.of(server.url() + "?authToken=" + wrongToken, "http://127.0.0.1:1?authToken="
                            + unusedToken), List.of(wrongToken, unusedToken));
        }
    }

    private void probe(String connection, DatabaseConfig database, String databasePassword) throws Exception {
        probe(connection, database, databasePassword, List.of("postgres://app:" + DB_PASSWORD
                + "@127.0.0.1:1/auth?connect_timeout=2", "postgresql://app:" + DB_PASSWORD
                + "@no-such-host.invalid/auth"), List.of(DB_PASSWORD));
    }

    private void probe(String connection, DatabaseConfig database, String databasePassword, List<String> failing,
            List<String> failingSecrets) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(connection, PASSWORD));
        arguments.addAll(failing);
        JavaProcess probe = JavaProcess.start(SecretsProbe.class, directory.resolve("probe.log"),
                arguments.toArray(String[]::new));
        assertEquals(0, probe.waitFor(300), probe.output());
        String output = probe.output();
        assertTrue(output.contains("probe done"), output);
        assertTrue(output.contains("InvalidCredentialsException"), "the flows ran: " + output);
        assertTrue(output.contains("AccountLockedException"), "the flows ran: " + output);
        assertTrue(output.contains("MinoroClosedException"), "the flows ran: " + output);

        List<String> hashes = new ArrayList<>();
        for (String email : List.of("probe@example.com", "second@example.com")) {
            String hash = RawSql.value(database, String.class,
                    "SELECT password_hash FROM minoro_users WHERE email_norm = $1", email);
            // $argon2id$v=19$m=…,t=…,p=…$salt$hash
            String[] parts = hash.split("\\$");
            hashes.add(parts[parts.length - 1]);
            hashes.add(parts[parts.length - 2]);
        }
        assertFalse(output.contains(PASSWORD.substring(0, 12)), "a password leaked:\n" + output);
        for (String part : hashes) {
            assertFalse(output.contains(part), "a password hash (or its salt) leaked:\n" + output);
        }
        assertFalse(output.contains("$argon2id$"), "a password hash leaked:\n" + output);
        for (String secret : failingSecrets) {
            assertFalse(output.contains(secret), "a connection password or token leaked:\n" + output);
        }
        assertFalse(output.contains(databasePassword), "the database password or token leaked:\n" + output);
        String target = database.type() == DatabaseType.POSTGRES ? "PostgreSQL"
                : connection.startsWith("file:") ? "SQLite file" : "libSQL (sqld, token in the URL)";
        ReliabilityFigures.record("7 secrets", target,
                "a child JVM logging at TRACE runs create, login, lockout, password change, refused input, 200 randomly"
                        + " cancelled logins and password changes, close() during 32 logins, and boots on URLs with"
                        + " passwords that fail",
                output.lines().count() + " lines of output (log, messages, stack traces, toString) hold no password,"
                        + " hash, salt or connection password");
    }
}
