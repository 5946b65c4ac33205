package dev.minoro.examples.migrate;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The settings both programs read from the environment, where a CI/CD pipeline puts its secrets:
 * <ul>
 *   <li>{@code MINORO_DATABASE_TYPE}: {@code sqlite} or {@code postgres} (required);</li>
 *   <li>{@code MINORO_DATABASE_URL}: {@code file:/var/lib/app/auth.db}, or
 *       {@code postgres://user:pass@host:5432/db?sslmode=require} (required);</li>
 *   <li>{@code MINORO_MIGRATION_TIMEOUT}: an ISO-8601 duration such as {@code PT5M} (default 5 minutes),
 *       how long the whole run may take, waiting for another instance's migration included.</li>
 * </ul>
 */
record ScriptEnvironment(DatabaseConfig database, Duration timeout) {

    static final String TYPE = "MINORO_DATABASE_TYPE";
    static final String URL = "MINORO_DATABASE_URL";
    static final String TIMEOUT = "MINORO_MIGRATION_TIMEOUT";

    /** @throws ConfigurationException naming the variable that is missing or wrong, never showing a password */
    static ScriptEnvironment read(Map<String, String> env) {
        String type = required(env, TYPE);
        DatabaseType databaseType;
        try {
            databaseType = DatabaseType.valueOf(type.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(TYPE + " must be sqlite or postgres, was '" + type + "'");
        }
        Duration timeout = Duration.ofMinutes(5);
        String timeoutText = env.get(TIMEOUT);
        if (timeoutText != null && !timeoutText.isBlank()) {
            try {
                timeout = Duration.parse(timeoutText.trim());
            } catch (DateTimeParseException e) {
                throw new ConfigurationException(TIMEOUT + " must be an ISO-8601 duration such as PT5M, was '"
                        + timeoutText + "'");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException(TIMEOUT + " must be positive, was " + timeoutText);
            }
        }
        // The connection string is checked here; its messages mask any password.
        DatabaseConfig database = DatabaseConfig.of(databaseType, required(env, URL));
        return new ScriptEnvironment(database, timeout);
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(name + " is not set; set " + TYPE + " (sqlite or postgres) and " + URL
                    + " (file:/path/to/auth.db or postgres://user:pass@host:5432/db)");
        }
        return value;
    }
}
