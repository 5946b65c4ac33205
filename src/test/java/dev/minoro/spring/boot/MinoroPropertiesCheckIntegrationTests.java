package dev.minoro.spring.boot;

import static dev.minoro.spring.boot.MinoroAutoConfigurationIntegrationTests.analysis;
import static dev.minoro.spring.boot.MinoroAutoConfigurationIntegrationTests.minoroFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.ConfigurationException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.testing.OtherScriptDigits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.session.ReactiveSessionRepository;

/**
 * Properties a user got wrong, in Spring contexts on real SQLite files: each fails the startup with a message that
 * names the property as the user wrote it (and the nearest right one), never its value when that may be a secret,
 * instead of booting with a default or naming one of Minoro's builder options.
 */
final class MinoroPropertiesCheckIntegrationTests {

    /** Where {@code withPropertyValues} puts the properties, as a message names it. */
    private static final String FROM_TEST = " (from property source test)";

    private static final String POSTGRES_WITH_PASSWORD = "postgres://app:s3cr3t-pw@db.example.com:5432/app";

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MinoroAutoConfiguration.class, MinoroHealthAutoConfiguration.class))
            .withPropertyValues(MinoroAutoConfigurationIntegrationTests.CHEAP_HASHING);

    private String url(String file) {
        return "minoro.database.url=file:" + directory.resolve(file);
    }

    /** The message of the Minoro exception that failed the startup, checked to be what Spring Boot prints. */
    private static String failure(AssertableApplicationContext context) {
        ConfigurationException e = assertInstanceOf(ConfigurationException.class, minoroFailure(context));
        FailureAnalysis analysis = analysis(context);
        assertEquals("Minoro could not start: " + e.getMessage(), analysis.getDescription());
        return e.getMessage();
    }

    /** Every message along the startup failure's causes, and the failure analysis. */
    private static String everythingPrinted(AssertableApplicationContext context) {
        List<String> printed = new ArrayList<>();
        for (Throwable e = context.getStartupFailure(); e != null; e = e.getCause()) {
            printed.add(e.toString());
        }
        FailureAnalysis analysis = analysis(context);
        printed.add(analysis.getDescription());
        printed.add(analysis.getAction());
        return String.join("\n", printed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "minoro.database.urll                 | minoro.database.url",
        "minoro.pasword.min-length            | minoro.password.min-length",
        "minoro.lockout.max-failed-login      | minoro.lockout.max-failed-logins",
        "minoro.lockout.maxFailedLogin        | minoro.lockout.max-failed-logins",
        "minoro.database.busyTimout           | minoro.database.busy-timeout",
        "minoro.database.pool.max-sise        | minoro.database.pool.max-size",
        "minoro.sesions.idle-timeout          | minoro.sessions.idle-timeout",
        "minoro.shutdown-timout               | minoro.shutdown-timeout",
        "minoro.spring-session.save-mod       | minoro.spring-session.save-mode",
        "management.health.minoro.timout      | management.health.minoro.timeout",
    })
    void aMisspeltNameFailsTheStartupNamingItAndTheNearestProperty(String written, String nearest) {
        runner.withPropertyValues(url("misspelt.db"), written + "=5").run(context ->
                assertEquals(written + " is not a property of Minoro (did you mean '" + nearest + "'?)" + FROM_TEST,
                        failure(context)));
    }

    @Test
    void aNameFarFromEveryPropertyListsThoseOfItsGroup() {
        runner.withPropertyValues(url("far.db"), "minoro.argon2.memory=65536").run(context ->
                assertEquals("minoro.argon2.memory is not a property of Minoro; those of minoro.argon2 are iterations,"
                        + " memory-kib, parallelism" + FROM_TEST, failure(context)));
        runner.withPropertyValues(url("far.db"), "minoro.pasword.argon2.memory=65536").run(context ->
                assertEquals("minoro.pasword.argon2.memory is not a property of Minoro; those of minoro are argon2.*,"
                        + " database.*, hashing.*, lockout.*, login-event-buffer-size, metrics-instance, password.*,"
                        + " sessions.*, shutdown-timeout, spring-session.*" + FROM_TEST, failure(context)));
        runner.withPropertyValues(url("far.db"), "minoro.database.pool=8").run(context ->
                assertEquals("minoro.database.pool is a group of Minoro's properties, not one of them; those of"
                        + " minoro.database.pool are acquire-timeout, max-idle-time, max-lifetime, max-size, min-size"
                        + FROM_TEST, failure(context)));
    }

    @Test
    void everyUnknownNameIsReportedAtOnce() {
        runner.withPropertyValues(url("several.db"), "minoro.database.urll=x", "minoro.lockout.durration=1h")
                .run(context -> assertEquals("invalid Minoro properties:\n"
                        + "  - minoro.database.urll is not a property of Minoro (did you mean 'minoro.database.url'?)"
                        + FROM_TEST + "\n"
                        + "  - minoro.lockout.durration is not a property of Minoro (did you mean"
                        + " 'minoro.lockout.duration'?)" + FROM_TEST, failure(context)));
    }

    /** A URL with its password under a misspelt name: named, with where it was written, and never shown. */
    @Test
    void theValueOfAnUnknownPropertyIsNeverShown() throws IOException {
        String file = "minoro.database.url=file:" + directory.resolve("secret.db") + "\n"
                + "minoro.database.ur1=" + POSTGRES_WITH_PASSWORD + "\n"
                + "minoro.database.authtoken=eyJhbGciOiJFZERTQSJ9.c2VjcmV0LXRva2Vu\n";
        List<PropertySource<?>> loaded = new PropertiesPropertySourceLoader().load("application.properties",
                new ByteArrayResource(file.getBytes(StandardCharsets.UTF_8), "application.properties"));
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(loaded.get(0)))
                .run(context -> {
                    assertEquals("minoro.database.ur1 is not a property of Minoro (did you mean"
                            + " 'minoro.database.url'?) (from Byte array resource [application.properties] - 2:21)",
                            failure(context));
                    String printed = everythingPrinted(context);
                    assertFalse(printed.contains("s3cr3t-pw"), printed);
                    assertFalse(printed.contains("c2VjcmV0LXRva2Vu"), printed);
                });
    }

    /** Environment variables, named as Spring Boot maps them; one that would bind to nothing is refused. */
    @Test
    void environmentVariablesAreCheckedToo() {
        Map<String, Object> variables = Map.of("MINORO_DATABASE_URL", "file:" + directory.resolve("env.db"),
                "MINORO_LOCKOUT_MAXFAILEDLOGINS", "3", "MINORO_LOCKOUT_MAX_FAILED_LOGINS", "4");
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource("test-systemEnvironment", variables))).run(context -> {
                    String message = failure(context);
                    assertTrue(message.startsWith("minoro.lockout.max.failed.logins is not a property of Minoro (did"
                            + " you mean 'minoro.lockout.max-failed-logins'?) (from "), message);
                    assertTrue(message.endsWith(" (from MINORO_LOCKOUT_MAX_FAILED_LOGINS in property source"
                            + " test-systemEnvironment)"), message);
                });
    }

    /** Every relaxed form Spring Boot binds is one of Minoro's properties. */
    @Test
    void theRelaxedFormsOfEachNameStillBind() {
        runner.withPropertyValues(url("relaxed.db"), "minoro.lockout.maxFailedLogins=3",
                "minoro.lockout.max_failed_logins=3", "minoro.database.busyTimeout=5s", "minoro.Sessions.IdleTimeout=1h",
                "minoro.database.run-migrations=true", "management.health.minoro.enabled=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MinoroConfig config = context.getBean(MinoroConfig.class);
                    assertEquals(3, config.maxFailedLogins());
                    assertEquals(Duration.ofSeconds(5), config.database().busyTimeout());
                    assertEquals(Duration.ofHours(1), config.sessionIdleTimeout());
                    assertThat(context).hasSingleBean(Minoro.class);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "minoro.lockout.duration                      | 15",
        "minoro.sessions.idle-timeout                 | 30",
        "minoro.database.busy-timeout                 | 5000",
        "minoro.shutdown-timeout                      | 30",
        "minoro.password.max-age                      | 90",
        "management.health.minoro.timeout             | 10",
        "minoro.spring-session.max-inactive-interval  | 1800",
    })
    void aDurationWithoutAUnitFailsTheStartup(String property, String number) {
        runner.withPropertyValues(url("unit.db"), property + "=" + number).run(context ->
                assertEquals(property + FROM_TEST + ": " + number + " has no unit, and Spring Boot would read it as " + number
                        + " ms; write the unit: " + number + "s, " + number + "m, " + number + "h or " + number + "d"
                        + " (or ISO-8601, PT" + number + "S)", failure(context)));
    }

    /** Spring Boot's binder reads the digits of other scripts as ASCII ones ({@code Integer.valueOf}). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "minoro.lockout.max-failed-logins | 5",
        "minoro.argon2.memory-kib         | 19456",
        "minoro.hashing.threads           | 2",
        "minoro.password.min-length       | 12",
    })
    void aWholeNumberInTheDigitsOfAnotherScriptFailsTheStartup(String property, String number) {
        runner.withPropertyValues(url("ascii.db"), property + "=" + number).run(context ->
                assertThat(context).hasNotFailed());
        for (String written : OtherScriptDigits.of(number)) {
            runner.withPropertyValues(url("digits.db"), property + "=" + written).run(context ->
                    assertEquals(property + FROM_TEST + ": '" + written + "' holds a digit other than ASCII 0-9, which"
                            + " Spring Boot would read as the digit it looks like; write the number with 0-9",
                            failure(context)));
        }
    }

    /** YAML reads {@code duration: 15} as a number, not as text. */
    @Test
    void aDurationWrittenAsANumberFailsTheStartup() {
        runner.withPropertyValues(url("yaml.db")).withInitializer(context -> context.getEnvironment()
                .getPropertySources().addFirst(new MapPropertySource("yaml", Map.of("minoro.lockout.duration", 15))))
                .run(context -> assertTrue(failure(context).startsWith("minoro.lockout.duration (from property source yaml): 15 has no unit"),
                        failure(context)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "minoro.sessions.idle-timeout=0", "minoro.sessions.absolute-timeout=0",
        "minoro.lockout.duration=15m", "minoro.lockout.duration=PT15M", "minoro.shutdown-timeout=0",
        "minoro.spring-session.max-inactive-interval=-1" })
    void aZeroOrNegativeOrUnitDurationIsAccepted(String property) {
        runner.withPropertyValues(url("zero.db"), property).run(context -> assertThat(context).hasNotFailed());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "minoro.sessions.renewal-interval=1h   | minoro.sessions.idle-timeout=30m | PT30M | PT1H",
        "minoro.sessions.renewal-interval=10m  | minoro.sessions.idle-timeout=5m  | PT5M  | PT10M",
        "minoro.sessions.renewal-interval=1m   | minoro.sessions.idle-timeout=1m  | PT1M  | PT1M",
    })
    void valuesRefusedTogetherNameTheirProperties(String renewal, String idle, String idleValue, String renewalValue) {
        runner.withPropertyValues(url("together.db"), renewal, idle).run(context ->
                assertEquals("minoro.sessions.renewal-interval: sessionRenewalInterval must be shorter than"
                        + " sessionIdleTimeout (" + idleValue + "), was " + renewalValue + ": a session in use would"
                        + " end between two renewals (sessionIdleTimeout: minoro.sessions.idle-timeout)",
                        failure(context)));
    }

    @Test
    void anIdleTimeoutAloneShorterThanTheDefaultRenewalIntervalIsNamed() {
        runner.withPropertyValues(url("idle.db"), "minoro.sessions.idle-timeout=30s").run(context ->
                assertTrue(failure(context).startsWith("minoro.sessions.renewal-interval: sessionRenewalInterval must"
                        + " be shorter than sessionIdleTimeout (PT30S), was PT1M"), failure(context)));
    }

    /** Refused when Minoro starts, not when the properties are read: still named by the property. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "postgres://app:s3cr3t-pw@127.0.0.1:1/app?options=-c%20search_path%3Dother | search_path in the connection"
                + " string's options",
        "postgresql://app:s3cr3t-pw@127.0.0.1:1/app?options=-csearch_path%3Dother,public | search_path in the"
                + " connection string's options",
        "r2dbc:postgresql://app:s3cr3t-pw@127.0.0.1:1/app?schema=other | schema in the r2dbc URL",
    })
    void aSchemaAlsoSetInTheUrlNamesTheProperty(String url, String where) {
        runner.withPropertyValues("minoro.database.url=" + url, "minoro.database.schema=auth").run(context -> {
            assertEquals("minoro.database.schema: the schema is set twice: withSchema('auth') and " + where + "; set"
                    + " it in one place", failure(context));
            String printed = everythingPrinted(context);
            assertFalse(printed.contains("s3cr3t-pw"), printed);
        });
    }

    @ParameterizedTest
    @CsvSource({ "-1s, PT-1S", "-5m, PT-5M", "-PT0.5S, PT-0.5S" })
    void aNegativeShutdownTimeoutFailsTheStartup(String timeout, String shown) {
        runner.withPropertyValues(url("shutdown.db"), "minoro.shutdown-timeout=" + timeout).run(context ->
                assertEquals("minoro.shutdown-timeout must be zero (no wait) or a positive duration, was " + shown,
                        failure(context)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "0s", "-1s", "-10m" })
    void aHealthTimeoutThatIsNotPositiveNamesTheProperty(String timeout) {
        runner.withPropertyValues(url("health.db"), "management.health.minoro.timeout=" + timeout).run(context -> {
            String message = failure(context);
            assertTrue(message.startsWith("management.health.minoro.timeout: timeout must be a positive duration,"
                    + " was "), message);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = { "minoro.spring-session.max-inactive-interval=10m", "minoro.spring-session.save-mode=always",
        "minoro.spring-session.renewal-interval=30s" })
    void aSpringSessionPropertyWithoutSpringSessionFailsTheStartup(String property) {
        String name = property.substring(0, property.indexOf('='));
        runner.withClassLoader(new FilteredClassLoader(ReactiveSessionRepository.class))
                .withPropertyValues(url("no-session.db"), property, "minoro.spring-session.enabled=true")
                .run(context -> assertEquals(name + FROM_TEST + " has no effect: spring-session-core is not on the class path;"
                        + " add it, or remove the property", failure(context)));
    }
}
