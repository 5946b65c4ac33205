package dev.minoro.spring.boot;

import static dev.minoro.spring.boot.MinoroAutoConfigurationIntegrationTests.CHEAP_HASHING;
import static dev.minoro.spring.boot.MinoroAutoConfigurationIntegrationTests.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroException;
import dev.minoro.NewUser;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlTokens;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Spring Boot on a remote libSQL server that checks tokens: {@code minoro.database.auth-token} reaches every
 * request, and a refused token fails the startup with Minoro's message, which never shows it.
 */
final class MinoroAutoConfigurationLibsqlIntegrationTests {

    @TempDir
    static Path directory;

    private static LibsqlTokens key;
    private static LibsqlDatabase server;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MinoroAutoConfiguration.class))
            .withPropertyValues(CHEAP_HASHING);

    @BeforeAll
    static void start() {
        key = LibsqlTokens.newKey();
        server = key.server(directory);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void bootsOnLibsqlWithTheAuthTokenProperty() {
        String token = key.token("{}");
        runner.withPropertyValues("minoro.database.url=" + server.url(), "minoro.database.auth-token=" + token)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Minoro.class);
                    MinoroConfig config = context.getBean(MinoroConfig.class);
                    assertEquals(token, config.database().authToken());
                    assertFalse(config.toString().contains(token), config.toString());
                    Minoro minoro = context.getBean(Minoro.class);
                    minoro.users().create(NewUser.of("amy@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
                    assertEquals("amy@example.com",
                            minoro.authenticate("amy@example.com", TestConfigs.PASSWORD).block(TIMEOUT).email());
                });
    }

    @Test
    void aRefusedTokenFailsTheStartupWithoutShowingIt() {
        String other = LibsqlTokens.newKey().token("{}");
        runner.withPropertyValues("minoro.database.url=" + server.url(), "minoro.database.auth-token=" + other)
                .run(context -> {
                    MinoroException failure = MinoroAutoConfigurationIntegrationTests.minoroFailure(context);
                    assertInstanceOf(DatabaseException.class, failure);
                    assertTrue(failure.getMessage().contains("the auth token is not valid for this server"),
                            failure.getMessage());
                    assertFalse(failure.getMessage().contains(other), failure.getMessage());
                    String analysis = MinoroAutoConfigurationIntegrationTests.analysis(context).getDescription();
                    assertFalse(analysis.contains(other), analysis);
                });
    }
}
