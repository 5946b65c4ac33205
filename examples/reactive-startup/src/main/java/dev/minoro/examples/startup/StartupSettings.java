package dev.minoro.examples.startup;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How the application starts: where the database is, where to listen, and how patient to be with the
 * database at startup.
 *
 * @param database        Minoro's database
 * @param port            the HTTP port (0: any free one)
 * @param attemptTimeout  how long one attempt to boot Minoro may take before it is cancelled
 * @param retries         how many more attempts after the first, for failures worth retrying
 * @param firstBackoff    the wait before the first retry; it doubles each time (with jitter)
 * @param shutdownTimeout how long stopping may take: in-flight requests first, then Minoro
 */
record StartupSettings(DatabaseConfig database, int port, Duration attemptTimeout, int retries,
        Duration firstBackoff, Duration shutdownTimeout) {

    /**
     * {@code DATABASE_TYPE} ({@code sqlite} by default, or {@code postgres}), {@code DATABASE_URL} (default
     * {@code file:minoro-startup.db}), {@code PORT} (default 8080); 30 s an attempt, 5 retries from 500 ms.
     */
    static StartupSettings fromEnvironment(Map<String, String> env) {
        DatabaseType type = DatabaseType.valueOf(env.getOrDefault("DATABASE_TYPE", "sqlite").toUpperCase(Locale.ROOT));
        return new StartupSettings(DatabaseConfig.of(type, env.getOrDefault("DATABASE_URL", "file:minoro-startup.db")),
                Integer.parseInt(env.getOrDefault("PORT", "8080")), Duration.ofSeconds(30), 5,
                Duration.ofMillis(500), Duration.ofSeconds(30));
    }
}
