package dev.minoro.spring.boot;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minoro.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * {@link WrittenProperties} on its own: every property of the metadata, as the README and the IDE name them, passes;
 * names of the environment and the system properties that other programs may share are refused only when they look
 * like a misspelt property of Minoro's.
 */
final class WrittenPropertiesTests {

    private static final ClassLoader CLASS_LOADER = WrittenPropertiesTests.class.getClassLoader();

    /** An environment with only {@code properties}, as an application's configuration file would hold them. */
    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("application.yaml", properties));
        return environment;
    }

    /** A valid value of each type the metadata gives. */
    private static Object validValue(String type) {
        return switch (type) {
            case "java.time.Duration" -> "10s";
            case "java.lang.Integer" -> 4;
            case "java.lang.Boolean" -> "true";
            case "org.springframework.session.SaveMode" -> "on-get-attribute";
            default -> "orders";
        };
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPropertyOfTheMetadataPasses() throws IOException {
        String json;
        try (InputStream in = CLASS_LOADER.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> all = new LinkedHashMap<>();
        for (Object property : (List<Object>) JsonParserFactory.getJsonParser().parseMap(json).get("properties")) {
            Map<String, Object> fields = (Map<String, Object>) property;
            all.put((String) fields.get("name"), validValue((String) fields.get("type")));
        }
        assertEquals(38, all.size(), all.keySet().toString());
        assertDoesNotThrow(() -> WrittenProperties.check(environment(all), CLASS_LOADER));
    }

    @Test
    void anotherProgramsVariablesAndSystemPropertiesPass() {
        StandardEnvironment environment = environment(Map.of("minoro.database.url", "file:app.db"));
        environment.getPropertySources().addLast(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("MINORO_HOME", "/opt/minoro", "MINORO_TEST_POSTGRES_MAJOR", "17")));
        java.util.Properties system = new java.util.Properties();
        system.setProperty("minoro.test.runtimeClasspathFile", "/tmp/classpath");
        environment.getPropertySources().addLast(new PropertiesPropertySource(
                StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, system));
        // As SpringApplication does: the attached source, which sees every other one's names, is not taken for one.
        ConfigurationPropertySources.attach(environment);
        assertDoesNotThrow(() -> WrittenProperties.check(environment, CLASS_LOADER));
    }

    @Test
    void aMisspeltSystemPropertyOrVariableIsRefused() {
        java.util.Properties system = new java.util.Properties();
        system.setProperty("minoro.pasword.min-length", "12");
        StandardEnvironment environment = environment(Map.of("minoro.database.url", "file:app.db"));
        environment.getPropertySources().addLast(new PropertiesPropertySource(
                StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, system));
        assertEquals("minoro.pasword.min-length is not a property of Minoro (did you mean"
                + " 'minoro.password.min-length'?) (from property source systemProperties)",
                assertThrows(ConfigurationException.class, () -> WrittenProperties.check(environment, CLASS_LOADER))
                        .getMessage());
        StandardEnvironment variables = environment(Map.of());
        variables.getPropertySources().addLast(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("MINORO_ARGON2_MEMORY", "65536")));
        assertEquals("minoro.argon2.memory is not a property of Minoro; those of minoro.argon2 are iterations,"
                + " memory-kib, parallelism (from MINORO_ARGON2_MEMORY in property source systemEnvironment)",
                assertThrows(ConfigurationException.class, () -> WrittenProperties.check(variables, CLASS_LOADER))
                        .getMessage());
    }

    /** A URL written as a YAML key, under a group: Spring Boot makes it a part in brackets of the name. */
    @Test
    void aNameWithAUrlInItIsNotShown() {
        Map<String, Object> written = new LinkedHashMap<>();
        written.put("minoro.database[postgres://app:s3cr3t-pw@db.example.com/app]", "x");
        written.put("minoro.lockout[3]", "x");
        StandardEnvironment environment = environment(written);
        String message = assertThrows(ConfigurationException.class,
                () -> WrittenProperties.check(environment, CLASS_LOADER)).getMessage();
        assertEquals("invalid Minoro properties:\n"
                + "  - minoro.database[(not shown)] is not a property of Minoro; those of minoro.database are"
                + " auth-token, busy-timeout, connect-timeout, migration-lock-timeout, pool.*, pooler-mode,"
                + " reader-lanes, run-migrations, schema, url (from property source application.yaml)\n"
                + "  - minoro.lockout[3] is not a property of Minoro; those of minoro.lockout are duration,"
                + " max-failed-logins (from property source application.yaml)", message);
    }

    @Test
    void aHealthPropertyWithoutTheActuatorIsRefused() {
        StandardEnvironment environment = environment(Map.of("management.health.minoro.timeout", "5s",
                "management.health.minoro.enabled", "false"));
        FilteredClassLoader withoutHealth = new FilteredClassLoader("org.springframework.boot.health.");
        assertEquals("management.health.minoro.timeout (from property source application.yaml) has no effect:"
                + " spring-boot-health (spring-boot-starter-actuator) is not on the class path; add it, or remove the"
                + " property", assertThrows(ConfigurationException.class,
                        () -> WrittenProperties.check(environment, withoutHealth)).getMessage());
        assertDoesNotThrow(() -> WrittenProperties.check(environment, CLASS_LOADER));
    }
}
