package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.User;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A child JVM's main that goes through what Minoro does on each database, including everything that
 * logs (a migration applied, a newer but compatible schema, a stored hash that cannot be checked) and
 * the failures (wrong password, lockout, an unreachable server), while printing nothing itself: a test
 * then checks that its standard output stayed empty. Arguments: a SQLite connection of a file that does
 * not exist yet, then PostgreSQL connections of empty databases. It reports to stderr and exits 0 when
 * every step did what it should.
 */
public final class StandardOutputProbe {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final String EMAIL = "probe@example.com";
    private static final String UNREADABLE = "unreadable-hash@example.com";

    private StandardOutputProbe() {
    }

    public static void main(String[] args) {
        exercise(DatabaseConfig.sqlite(args[0]));
        for (int i = 1; i < args.length; i++) {
            exercise(DatabaseConfig.postgres(args[i]));
        }
        expectFailure(Minoro.migrateDatabase(DatabaseConfig.postgres(
                "postgres://app:secret@127.0.0.1:1/auth?connect_timeout=2&sslmode=disable")));
        System.err.println("probe done");
        // Reactor's non-daemon threads would hold the JVM for a while after the last step (issue 11).
        System.exit(0);
    }

    private static void exercise(DatabaseConfig database) {
        Minoro.migrationStatus(database).block(TIMEOUT);
        Minoro.migrateDatabase(database).block(TIMEOUT);
        MinoroConfig config = MinoroConfig.builder().database(database).argon2(64, 1, 1).maxFailedLogins(2).build();
        Minoro minoro = Minoro.create(config).block(TIMEOUT);
        try {
            User user = minoro.users().create(NewUser.of(EMAIL, TestConfigs.PASSWORD)).block(TIMEOUT);
            minoro.users().create(NewUser.of(UNREADABLE, TestConfigs.PASSWORD)).block(TIMEOUT);
            expectFailure(minoro.users().create(NewUser.of(EMAIL, TestConfigs.PASSWORD)));
            minoro.roles().create("editor", null).block(TIMEOUT);
            minoro.roles().grantPermission("editor", "posts:write").block(TIMEOUT);
            minoro.roles().assign(user.id(), "editor").block(TIMEOUT);
            minoro.roles().hasPermission(user.id(), "posts:write").block(TIMEOUT);
            minoro.authenticate(EMAIL, TestConfigs.PASSWORD).block(TIMEOUT);
            for (String attempt : List.of("wrong-1", "wrong-2", TestConfigs.PASSWORD)) {
                expectFailure(minoro.authenticate(EMAIL, attempt));
            }
            expectFailure(minoro.authenticate("nobody@example.com", TestConfigs.PASSWORD));
        } finally {
            minoro.close().block(TIMEOUT);
        }

        // A hash no check can read: Minoro logs a warning and the login fails.
        RawSql.execute(database, "UPDATE minoro_users SET password_hash = $1 WHERE email = $2",
                "{SSHA}c29tZXNhbHRzb21lc2FsdA==", UNREADABLE);
        // A schema one version newer that declares itself compatible: Minoro logs that it runs anyway.
        int next = Minoro.migrationStatus(database).block(TIMEOUT).latestVersion() + 1;
        RawSql.execute(database, "INSERT INTO minoro_migrations (version, name, checksum, compatible_from,"
                + " applied_at, execution_ms, applied_by) VALUES ($1, 'future', 'sha256:future', 1, 0, 0, 'probe')",
                next);
        Minoro again = Minoro.create(config).block(TIMEOUT);
        try {
            expectFailure(again.authenticate(UNREADABLE, TestConfigs.PASSWORD));
        } finally {
            again.close().block(TIMEOUT);
        }
    }

    private static void expectFailure(Mono<?> call) {
        try {
            call.block(TIMEOUT);
        } catch (RuntimeException expected) {
            System.err.println("failed as expected: " + expected.getClass().getSimpleName());
            return;
        }
        throw new AssertionError("the call did not fail");
    }
}
