package dev.minoro.demo;

import dev.minoro.AccountLockedException;
import dev.minoro.DatabaseConfig;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.MigrationReport;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.Role;
import dev.minoro.User;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * The README's first command ({@code mvn -B -q test-compile exec:java}): Minoro's main job on an embedded
 * default, a SQLite file. It migrates the file as a deployment script would, boots an instance, makes sure
 * an admin role and user exist, logs the admin in, and prints what it did. Run it twice: the second run
 * finds everything in place and says so. It lives with the tests so that it never ships in the library jar.
 *
 * <p>Arguments: an optional SQLite connection (default {@code file:minoro-demo.db}). The admin's password
 * comes from {@code MINORO_DEMO_PASSWORD} (default: a demo password; never printed) and is set only when
 * the demo creates the admin; a later run with another password is refused, and the demo says why.
 */
public final class Demo {

    static final String PASSWORD_VARIABLE = "MINORO_DEMO_PASSWORD";
    private static final String DEFAULT_PASSWORD = "demo-password-change-me";
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final String ADMIN_EMAIL = "admin@example.com";
    private static final String ADMIN_ROLE = "admin";
    private static final String PERMISSION = "users:manage";

    private Demo() {
    }

    public static void main(String[] args) {
        int exit = run(args, System.getenv(), System.out, System.err);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** The whole program but {@code System.exit}: its exit code. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String connection = args.length > 0 ? args[0] : "file:minoro-demo.db";
        String password = env.getOrDefault(PASSWORD_VARIABLE, DEFAULT_PASSWORD);
        DatabaseConfig database = DatabaseConfig.sqlite(connection);

        long started = System.nanoTime();
        MigrationReport report = Minoro.migrateDatabase(database).block(TIMEOUT);
        out.printf("Migrated %s: schema version %d -> %d in %d ms%n", connection, report.fromVersion(),
                report.toVersion(), millisSince(started));
        report.applied().forEach(m -> out.printf("  applied %d %s in %d ms%n", m.version(), m.name(),
                m.duration().toMillis()));
        if (report.applied().isEmpty()) {
            out.println("  nothing to apply: the schema was up to date");
        }

        started = System.nanoTime();
        Minoro minoro = Minoro.create(MinoroConfig.of(database)).block(TIMEOUT);
        out.printf("Booted Minoro in %d ms (up to date: one statement)%n", millisSince(started));
        try {
            Role admin = minoro.roles().findByName(ADMIN_ROLE)
                    .doOnNext(r -> out.printf("Found role '%s'%n", r.name()))
                    .switchIfEmpty(Mono.defer(() -> minoro.roles().create(ADMIN_ROLE, "May manage users")
                            .doOnNext(r -> out.printf("Created role '%s'%n", r.name()))))
                    .block(TIMEOUT);
            if (minoro.roles().permissionsOfRole(admin.name()).any(PERMISSION::equals).block(TIMEOUT)) {
                out.printf("Role '%s' already has '%s'%n", admin.name(), PERMISSION);
            } else {
                minoro.roles().grantPermission(admin.name(), PERMISSION).block(TIMEOUT);
                out.printf("Granted '%s' to role '%s'%n", PERMISSION, admin.name());
            }

            long hashStarted = System.nanoTime();
            User user = minoro.users().findByEmail(ADMIN_EMAIL)
                    .doOnNext(u -> out.printf("Found user %s, created %s (%s is used only when the demo creates"
                            + " the user)%n", u.email(), u.createdAt(), PASSWORD_VARIABLE))
                    .switchIfEmpty(Mono.defer(() -> minoro.users()
                            .create(NewUser.of(ADMIN_EMAIL, password).withDisplayName("Administrator"))
                            .doOnNext(u -> out.printf("Created user %s (password hashed with Argon2id in"
                                    + " about %d ms)%n", u.email(), millisSince(hashStarted)))))
                    .block(TIMEOUT);
            if (minoro.roles().hasRole(user.id(), admin.name()).block(TIMEOUT)) {
                out.printf("%s already has role '%s'%n", user.email(), admin.name());
            } else {
                minoro.roles().assign(user.id(), admin.name()).block(TIMEOUT);
                out.printf("Assigned role '%s' to %s%n", admin.name(), user.email());
            }

            started = System.nanoTime();
            User loggedIn;
            try {
                loggedIn = minoro.authenticate(ADMIN_EMAIL, password).block(TIMEOUT);
            } catch (InvalidCredentialsException | AccountLockedException e) {
                err.printf("Could not log %s in: %s%n%s is used only when the demo creates the user, and %s was"
                        + " created by an earlier run with another password. Run the demo with that password, or"
                        + " on a new file (delete %s, or pass another one: -Dexec.args=file:other.db).%n",
                        ADMIN_EMAIL, e.getMessage(), PASSWORD_VARIABLE, ADMIN_EMAIL,
                        connection.startsWith("file:") ? connection.substring("file:".length()) : connection);
                return 1;
            }
            out.printf("Authenticated %s in %d ms; last login now %s%n", loggedIn.email(), millisSince(started),
                    loggedIn.lastLoginAt());
            out.printf("  roles: %s; permissions: %s%n",
                    minoro.roles().rolesOf(user.id()).map(Role::name).collect(Collectors.joining(", ")).block(TIMEOUT),
                    minoro.roles().permissionsOf(user.id()).collect(Collectors.joining(", ")).block(TIMEOUT));

            minoro.authenticate(ADMIN_EMAIL, "not the password")
                    .onErrorResume(InvalidCredentialsException.class, e -> {
                        out.println("A wrong password was refused: " + e.getMessage());
                        return Mono.empty();
                    })
                    .block(TIMEOUT);
            out.printf("%d user(s), %d role(s) in %s%n", minoro.users().count().block(TIMEOUT),
                    minoro.roles().count().block(TIMEOUT), connection);
            return 0;
        } finally {
            minoro.close().block(TIMEOUT);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
