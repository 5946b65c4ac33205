package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.MinoroConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Configurations the tests share. */
public final class TestConfigs {

    /** The password every test user gets unless a test says otherwise. */
    public static final String PASSWORD = "correct horse battery staple";

    /** The lockout threshold of {@link #fast}. */
    public static final int MAX_FAILED_LOGINS = 3;

    /** The lockout duration of {@link #fast}. */
    public static final Duration LOCKOUT = Duration.ofMinutes(10);

    private TestConfigs() {
    }

    /** A SQLite file in {@code directory}, as a libsql-style connection. */
    public static DatabaseConfig sqliteFile(Path directory, String name) {
        return DatabaseConfig.sqlite("file:" + directory.resolve(name).toAbsolutePath());
    }

    /**
     * A configuration with cheap Argon2 parameters, so that tests that are not about hashing cost do
     * not pay 40 ms a hash, a lockout after 3 failures for 10 minutes, and the given clock.
     */
    public static MinoroConfig fast(DatabaseConfig database, Clock clock) {
        return MinoroConfig.builder()
                .database(database)
                .clock(clock)
                .argon2(64, 1, 1)
                .maxFailedLogins(MAX_FAILED_LOGINS)
                .lockoutDuration(LOCKOUT)
                .build();
    }
}
