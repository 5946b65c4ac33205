package dev.minoro.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.minoro.DatabaseConfig;
import dev.minoro.MinoroConfig;
import dev.minoro.spring.session.MinoroReactiveSessionRepository;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.json.JsonParserFactory;

/**
 * The configuration metadata that spring-boot-configuration-processor generates into the jar, with which IDEs
 * complete and describe the properties: every property is there, described, and its default is Minoro's.
 */
final class ConfigurationMetadataTests {

    private static final String METADATA = "META-INF/spring-configuration-metadata.json";

    /** Each property's metadata, read from the classes the jar is made of. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> properties() throws IOException {
        String json;
        try (InputStream in = MinoroProperties.class.getClassLoader().getResourceAsStream(METADATA)) {
            assertNotNull(in, METADATA + " was not generated");
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Map<String, Object>> properties = new LinkedHashMap<>();
        for (Object property : (List<Object>) JsonParserFactory.getJsonParser().parseMap(json).get("properties")) {
            Map<String, Object> fields = (Map<String, Object>) property;
            properties.put((String) fields.get("name"), fields);
        }
        return properties;
    }

    /** The property names {@link PropertiesConfig} maps. */
    private static List<String> mapped() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field field : PropertiesConfig.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }

    @Test
    void everyPropertyIsDescribedAndNoOtherIs() throws Exception {
        Map<String, Map<String, Object>> properties = properties();
        TreeSet<String> expected = new TreeSet<>(mapped());
        expected.addAll(List.of("minoro.shutdown-timeout", "management.health.minoro.timeout",
                "management.health.minoro.enabled", "minoro.spring-session.enabled",
                "minoro.spring-session.max-inactive-interval", "minoro.spring-session.renewal-interval",
                "minoro.spring-session.save-mode"));
        assertEquals(expected, new TreeSet<>(properties.keySet()));
        for (Map<String, Object> property : properties.values()) {
            String description = (String) property.get("description");
            assertNotNull(description, property.toString());
            assertFalse(description.isBlank(), property.toString());
            assertNotNull(property.get("type"), property.toString());
        }
    }

    /** The defaults an IDE shows are the ones Minoro applies. */
    @Test
    void theDefaultsAreMinoros() throws Exception {
        MinoroConfig config = MinoroConfig.of(DatabaseConfig.sqlite("file:defaults.db"));
        DatabaseConfig sqlite = config.database();
        DatabaseConfig postgres = DatabaseConfig.postgres("postgres://app@localhost/app");
        Map<String, Object> minoros = new LinkedHashMap<>();
        minoros.put(PropertiesConfig.RUN_MIGRATIONS, sqlite.runMigrations());
        minoros.put(PropertiesConfig.MIGRATION_LOCK_TIMEOUT, sqlite.migrationLockTimeout());
        minoros.put(PropertiesConfig.BUSY_TIMEOUT, sqlite.busyTimeout());
        minoros.put(PropertiesConfig.CONNECT_TIMEOUT, DatabaseConfig.sqlite("libsql://db.turso.io").connectTimeout());
        minoros.put(PropertiesConfig.POOL_MIN_SIZE, postgres.poolMinSize());
        minoros.put(PropertiesConfig.POOL_MAX_SIZE, postgres.poolMaxSize());
        minoros.put(PropertiesConfig.ACQUIRE_TIMEOUT, postgres.acquireTimeout());
        minoros.put(PropertiesConfig.MAX_IDLE_TIME, postgres.maxIdleTime());
        minoros.put(PropertiesConfig.MAX_FAILED_LOGINS, config.maxFailedLogins());
        minoros.put(PropertiesConfig.LOCKOUT_DURATION, config.lockoutDuration());
        minoros.put(PropertiesConfig.ARGON2_MEMORY, config.argon2MemoryKiB());
        minoros.put(PropertiesConfig.ARGON2_ITERATIONS, config.argon2Iterations());
        minoros.put(PropertiesConfig.ARGON2_PARALLELISM, config.argon2Parallelism());
        minoros.put(PropertiesConfig.HASHING_QUEUE_CAPACITY, config.hashingQueueCapacity());
        minoros.put(PropertiesConfig.PASSWORD_MIN_LENGTH, config.minPasswordLength());
        minoros.put(PropertiesConfig.PASSWORD_MAX_LENGTH, config.maxPasswordLength());
        minoros.put(PropertiesConfig.IMPORTED_HASH_COST_FACTOR, config.importedHashCostFactor());
        minoros.put(PropertiesConfig.METRICS_INSTANCE, config.metricsInstance());
        minoros.put(PropertiesConfig.LOGIN_EVENT_BUFFER_SIZE, config.loginEventBufferSize());
        minoros.put(PropertiesConfig.PASSWORD_IMPORT_PLAINTEXT, config.importPlaintextPasswords());
        minoros.put(PropertiesConfig.SESSION_ABSOLUTE_TIMEOUT, config.sessionAbsoluteTimeout());
        minoros.put(PropertiesConfig.SESSION_IDLE_TIMEOUT, config.sessionIdleTimeout());
        minoros.put(PropertiesConfig.SESSION_RENEWAL_INTERVAL, config.sessionRenewalInterval());
        minoros.put("minoro.shutdown-timeout", new MinoroProperties().getShutdownTimeout());
        minoros.put("management.health.minoro.timeout", new MinoroHealthProperties().getTimeout());
        minoros.put("management.health.minoro.enabled", true);
        minoros.put("minoro.spring-session.enabled", true);
        minoros.put("minoro.spring-session.max-inactive-interval",
                MinoroReactiveSessionRepository.DEFAULT_MAX_INACTIVE_INTERVAL);
        minoros.put("minoro.spring-session.renewal-interval", MinoroReactiveSessionRepository.DEFAULT_RENEWAL_INTERVAL);
        minoros.put("minoro.spring-session.save-mode", "on-set-attribute");

        Map<String, Object> shown = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> property : properties().entrySet()) {
            Object value = property.getValue().get("defaultValue");
            Object type = property.getValue().get("type");
            if (value == null) {
                continue;
            }
            if (type.equals("java.time.Duration")) {
                value = DurationStyle.detectAndParse((String) value);
            } else if (type.equals("java.lang.Integer")) {
                value = ((Number) value).intValue();   // JSON numbers are read as doubles
            }
            shown.put(property.getKey(), value);
        }
        assertEquals(minoros, shown, "properties without a default: the URL, and those whose default is no value"
                + " (max-lifetime, schema, pooler-mode, auth-token) or depends on the machine (hashing threads,"
                + " reader lanes)");
    }
}
