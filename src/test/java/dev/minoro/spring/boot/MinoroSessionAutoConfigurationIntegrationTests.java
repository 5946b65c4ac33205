package dev.minoro.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.spring.session.MinoroReactiveSessionRepository;
import dev.minoro.spring.session.MinoroSession;
import dev.minoro.spring.session.SessionAttributeSerializer;
import dev.minoro.testing.RawSql;
import dev.minoro.DatabaseConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.session.ReactiveMapSessionRepository;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;
import reactor.test.StepVerifier;

/**
 * {@link MinoroSessionAutoConfiguration}: a reactive web application with spring-session-core keeps its sessions in
 * Minoro's database, configured by {@code minoro.spring-session.*}, unless it says otherwise.
 */
final class MinoroSessionAutoConfigurationIntegrationTests {

    private static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(MinoroAutoConfiguration.class,
            MinoroSessionAutoConfiguration.class);

    @TempDir
    Path directory;

    private String url() {
        return "minoro.database.url=file:" + directory.resolve("sessions.db");
    }

    private ReactiveWebApplicationContextRunner reactiveWeb() {
        return new ReactiveWebApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
                .withPropertyValues(url()).withPropertyValues(MinoroAutoConfigurationIntegrationTests.CHEAP_HASHING);
    }

    @Test
    void aReactiveWebApplicationKeepsItsSessionsInMinoro() {
        reactiveWeb().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ReactiveSessionRepository.class);
            MinoroReactiveSessionRepository repository = context.getBean(MinoroReactiveSessionRepository.class);
            WebSessionManager manager = context.getBean("webSessionManager", WebSessionManager.class);
            assertEquals("org.springframework.session.web.server.session.SpringSessionWebSessionStore",
                    assertInstanceOf(DefaultWebSessionManager.class, manager).getSessionStore().getClass().getName());

            MinoroSession session = repository.createSession().block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
            assertEquals(Duration.ofMinutes(30), session.getMaxInactiveInterval());
            session.setAttribute("a", "b");
            repository.save(session).as(StepVerifier::create).verifyComplete();
            assertEquals("b", Objects.requireNonNull(repository.findById(session.getId())
                    .block(MinoroAutoConfigurationIntegrationTests.TIMEOUT)).getAttribute("a"));
        });
    }

    @Test
    void thePropertiesAndTheApplicationsSerializerConfigureTheStore() {
        SessionAttributeSerializer utf8 = new SessionAttributeSerializer() {
            @Override
            public byte[] serialize(String name, Object value) {
                return value.toString().getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Object deserialize(String name, byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        };
        reactiveWeb().withPropertyValues("minoro.spring-session.max-inactive-interval=2h",
                        "minoro.spring-session.renewal-interval=10s", "minoro.spring-session.save-mode=always")
                .withBean(SessionAttributeSerializer.class, () -> utf8).run(context -> {
                    assertThat(context).hasNotFailed();
                    MinoroReactiveSessionRepository repository = context.getBean(MinoroReactiveSessionRepository.class);
                    assertTrue(repository.toString().contains("renewalInterval=PT10S, saveMode=ALWAYS"),
                            repository.toString());
                    MinoroSession session = repository.createSession()
                            .block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
                    assertEquals(Duration.ofHours(2), session.getMaxInactiveInterval());
                    session.setAttribute("greeting", "hello");
                    repository.save(session).as(StepVerifier::create).verifyComplete();
                    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), RawSql.value(
                            DatabaseConfig.sqlite("file:" + directory.resolve("sessions.db")), byte[].class,
                            "SELECT value FROM minoro_session_attributes"));
                });
    }

    @Test
    void aBadPropertyFailsStartupNamingIt() {
        reactiveWeb().withPropertyValues("minoro.spring-session.renewal-interval=-1s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("minoro.spring-session.renewal-interval: renewalInterval must be zero or"
                            + " more, was PT-1S");
        });
    }

    @Test
    void theApplicationsOwnRepositoryWins() {
        ReactiveMapSessionRepository own = new ReactiveMapSessionRepository(new java.util.concurrent.ConcurrentHashMap<>());
        reactiveWeb().withBean(ReactiveSessionRepository.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ReactiveSessionRepository.class)
                    .doesNotHaveBean(MinoroReactiveSessionRepository.class);
            assertThat(context.getBean(ReactiveSessionRepository.class)).isSameAs(own);
        });
    }

    @Test
    void theApplicationsOwnWebSessionManagerWins() {
        DefaultWebSessionManager own = new DefaultWebSessionManager();
        reactiveWeb().withBean("webSessionManager", WebSessionManager.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(MinoroReactiveSessionRepository.class);
            assertThat(context.getBean("webSessionManager")).isSameAs(own);
        });
    }

    @Test
    void offWhenDisabledWithoutSpringSessionOrOutsideAReactiveWebApplication() {
        reactiveWeb().withPropertyValues("minoro.spring-session.enabled=false").run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(ReactiveSessionRepository.class).doesNotHaveBean("webSessionManager"));
        reactiveWeb().withClassLoader(new FilteredClassLoader(ReactiveSessionRepository.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(MinoroReactiveSessionRepository.class));
        new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS).withPropertyValues(url())
                .withPropertyValues(MinoroAutoConfigurationIntegrationTests.CHEAP_HASHING)
                .run(context -> assertThat(context).hasNotFailed()
                        .doesNotHaveBean(MinoroReactiveSessionRepository.class));
    }
}
