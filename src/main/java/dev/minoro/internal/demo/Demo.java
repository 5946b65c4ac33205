package dev.minoro.internal.demo;

import dev.minoro.DatabaseConfig;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.MigrationReport;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.Role;
import dev.minoro.User;
import java.time.Duration;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * The README's first command: Minoro's main job on an embedded default, a SQLite file. It migrates
 * the file as a deployment script would, boots an instance, makes sure an admin role and user exist,
 * logs the admin in, and prints what it did. Run it twice: the second run finds everything in place.
 *
 * <p>Arguments: an optional SQLite connection (default {@code file:minoro-demo.db}). The admin's
 * password comes from {@code MINORO_DEMO_PASSWORD} (default: a demo password; never printed).
 */
public final class Demo {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final String ADMIN_EMAIL = "admin@example.com";

    private Demo() {
    }

    public static void main(String[] args) {
        String connection = args.length > 0 ? args[0] : "file:minoro-demo.db";
        String password = System.getenv().getOrDefault("MINORO_DEMO_PASSWORD", "demo-password-change-me");
        DatabaseConfig database = DatabaseConfig.sqlite(connection);

        long started = System.nanoTime();
        MigrationReport report = Minoro.migrateDatabase(database).block(TIMEOUT);
        System.out.printf("Migrated %s: schema version %d -> %d in %d ms%n", connection, report.fromVersion(),
                report.toVersion(), millisSince(started));
        report.applied().forEach(m -> System.out.printf("  applied %d %s in %d ms%n", m.version(), m.name(),
                m.duration().toMillis()));
        if (report.applied().isEmpty()) {
            System.out.println("  nothing to apply: the schema was up to date");
        }

        started = System.nanoTime();
        Minoro minoro = Minoro.create(MinoroConfig.of(database)).block(TIMEOUT);
        System.out.printf("Booted Minoro in %d ms (up to date: one statement)%n", millisSince(started));
        try {
            Role admin = minoro.roles().findByName("admin")
                    .doOnNext(r -> System.out.println("Found role 'admin'"))
                    .switchIfEmpty(Mono.defer(() -> minoro.roles().create("admin", "May manage users")
                            .doOnNext(r -> System.out.println("Created role 'admin'"))))
                    .block(TIMEOUT);
            minoro.roles().grantPermission(admin.name(), "users:manage").block(TIMEOUT);
            System.out.println("Granted 'users:manage' to role 'admin'");

            started = System.nanoTime();
            long hashStarted = started;
            User user = minoro.users().findByEmail(ADMIN_EMAIL)
                    .doOnNext(u -> System.out.printf("Found user %s, created %s%n", u.email(), u.createdAt()))
                    .switchIfEmpty(Mono.defer(() -> minoro.users()
                            .create(NewUser.of(ADMIN_EMAIL, password).withDisplayName("Administrator"))
                            .doOnNext(u -> System.out.printf("Created user %s (password hashed with Argon2id in"
                                    + " about %d ms)%n", u.email(), millisSince(hashStarted)))))
                    .block(TIMEOUT);
            minoro.roles().assign(user.id(), admin.name()).block(TIMEOUT);
            System.out.printf("Assigned role 'admin' to %s%n", user.email());

            started = System.nanoTime();
            User loggedIn = minoro.authenticate(ADMIN_EMAIL, password).block(TIMEOUT);
            System.out.printf("Authenticated %s in %d ms; last login now %s%n", loggedIn.email(), millisSince(started),
                    loggedIn.lastLoginAt());
            System.out.printf("  roles: %s; permissions: %s%n",
                    minoro.roles().rolesOf(user.id()).map(Role::name).collect(Collectors.joining(", ")).block(TIMEOUT),
                    minoro.roles().permissionsOf(user.id()).collect(Collectors.joining(", ")).block(TIMEOUT));

            minoro.authenticate(ADMIN_EMAIL, "not the password")
                    .onErrorResume(InvalidCredentialsException.class, e -> {
                        System.out.println("A wrong password was refused: " + e.getMessage());
                        return Mono.empty();
                    })
                    .block(TIMEOUT);
            System.out.printf("%d user(s), %d role(s) in %s%n", minoro.users().count().block(TIMEOUT),
                    minoro.roles().count().block(TIMEOUT), connection);
        } finally {
            minoro.close().block(TIMEOUT);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
