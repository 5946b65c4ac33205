package dev.minoro.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo, through its {@code run} seam, run again and again on one SQLite file. */
final class DemoIntegrationTests {

    @TempDir
    Path directory;

    /** What one run printed and returned. */
    private record Run(int exitCode, String out, String err) {
    }

    private Run demo(Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = Demo.run(new String[] {"file:" + directory.resolve("demo.db")}, env, o, e);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theFirstRunSetsUpTheAdminAndASecondFindsEverythingInPlace() {
        Map<String, String> env = Map.of(Demo.PASSWORD_VARIABLE, "a-demo-password-of-my-own");
        Run first = demo(env);
        assertEquals(0, first.exitCode(), first.toString());
        for (String line : List.of("applied 1 create_schema", "Created role 'admin'",
                "Granted 'users:manage' to role 'admin'", "Created user admin@example.com",
                "Assigned role 'admin' to admin@example.com", "Authenticated admin@example.com",
                "roles: admin; permissions: users:manage", "A wrong password was refused", "1 user(s), 1 role(s)")) {
            assertTrue(first.out().contains(line), "missing '" + line + "':\n" + first.out());
        }

        Run second = demo(env);
        assertEquals(0, second.exitCode(), second.toString());
        for (String line : List.of("nothing to apply: the schema was up to date", "Found role 'admin'",
                "Role 'admin' already has 'users:manage'", "Found user admin@example.com",
                "MINORO_DEMO_PASSWORD is used only when the demo creates the user",
                "admin@example.com already has role 'admin'", "Authenticated admin@example.com",
                "1 user(s), 1 role(s)")) {
            assertTrue(second.out().contains(line), "missing '" + line + "':\n" + second.out());
        }
        for (String claim : List.of("Created", "Granted", "Assigned")) {
            assertFalse(second.out().contains(claim), "the second run claims '" + claim + "':\n" + second.out());
        }
        assertFalse(first.out().contains("a-demo-password-of-my-own"), "the password is never printed");
    }

    @Test
    void anotherPasswordOnALaterRunIsRefusedWithTheReason() {
        assertEquals(0, demo(Map.of()).exitCode());

        Run other = demo(Map.of(Demo.PASSWORD_VARIABLE, "not-the-first-password"));
        assertEquals(1, other.exitCode(), other.toString());
        assertTrue(other.err().contains("Could not log admin@example.com in: "), other.err());
        assertTrue(other.err().contains("MINORO_DEMO_PASSWORD is used only when the demo creates the user"),
                other.err());
        assertFalse((other.out() + other.err()).contains("not-the-first-password"), "the password is never printed");

        // The default password still works: the refused run changed nothing.
        Run again = demo(Map.of());
        assertEquals(0, again.exitCode(), again.toString());
    }
}
