package dev.minoro.examples.vertx;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import java.util.Locale;
import java.util.Map;

/**
 * What the service reads from its environment: {@code DATABASE_TYPE} ({@code sqlite}, the default, or
 * {@code postgres}), {@code DATABASE_URL} (default {@code file:minoro-vertx.db}), {@code PORT} (default
 * 8080), and optionally {@code ADMIN_EMAIL} with {@code ADMIN_PASSWORD} for an account made admin at startup.
 */
record ExampleSettings(DatabaseConfig database, int port, String adminEmail, String adminPassword) {

    static ExampleSettings fromEnvironment(Map<String, String> env) {
        DatabaseType type = DatabaseType.valueOf(env.getOrDefault("DATABASE_TYPE", "sqlite").toUpperCase(Locale.ROOT));
        DatabaseConfig database = DatabaseConfig.of(type, env.getOrDefault("DATABASE_URL", "file:minoro-vertx.db"));
        return new ExampleSettings(database, Integer.parseInt(env.getOrDefault("PORT", "8080")),
                env.get("ADMIN_EMAIL"), env.get("ADMIN_PASSWORD"));
    }

    @Override
    public String toString() {
        return "ExampleSettings{database=" + database + ", port=" + port + ", adminEmail=" + adminEmail + '}';
    }
}
