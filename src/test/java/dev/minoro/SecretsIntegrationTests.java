package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.SecretsProbe;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No password, password hash or connection-string password reaches a log line, an exception message,
 * a stack trace or a {@code toString()}: a child JVM runs every flow that handles one with logging at
 * TRACE, and its whole output is searched.
 */
final class SecretsIntegrationTests {

    private static final String PASSWORD = "Tr0ub4dor&3-unique-probe-secret";
    private static final String DB_PASSWORD = "pg-Secr3t-in-url";

    @TempDir
    Path directory;

    @Test
    void noSecretReachesTheOutput() throws Exception {
        String connection = "file:" + directory.resolve("secrets.db");
        JavaProcess probe = JavaProcess.start(SecretsProbe.class, directory.resolve("probe.log"), connection,
                PASSWORD, "postgres://app:" + DB_PASSWORD + "@127.0.0.1:1/auth?connect_timeout=2",
                "postgresql://app:" + DB_PASSWORD + "@no-such-host.invalid/auth");
        assertEquals(0, probe.waitFor(180), probe.output());
        String output = probe.output();
        assertTrue(output.contains("probe done"), output);
        assertTrue(output.contains("InvalidCredentialsException"), "the flows ran: " + output);
        assertTrue(output.contains("AccountLockedException"), "the flows ran: " + output);

        String hash = RawSql.value(TestConfigs.sqliteFile(directory, "secrets.db"), String.class,
                "SELECT password_hash FROM minoro_users WHERE email_norm = $1", "probe@example.com");
        String hashPart = hash.substring(hash.lastIndexOf('$') + 1);
        assertFalse(output.contains(PASSWORD.substring(0, 12)), "a password leaked:\n" + output);
        assertFalse(output.contains(hashPart), "a password hash leaked:\n" + output);
        assertFalse(output.contains("$argon2id$"), "a password hash leaked:\n" + output);
        assertFalse(output.contains(DB_PASSWORD), "a connection password leaked:\n" + output);
    }
}
