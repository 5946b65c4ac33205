package dev.minoro.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.spring.MinoroReactiveAuthenticationManager;
import dev.minoro.spring.MinoroReactiveUserDetailsService;
import dev.minoro.spring.MinoroUserDetails;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.messaging.rsocket.annotation.support.RSocketMessageHandler;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import reactor.core.publisher.Mono;

/**
 * {@link MinoroSecurityAutoConfiguration}: Spring Security's reactive beans backed by the application's Minoro
 * where Spring Boot would make its in-memory user, each backing off for the application's own.
 */
final class MinoroSecurityAutoConfigurationIntegrationTests {

    private static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(MinoroAutoConfiguration.class,
            MinoroSecurityAutoConfiguration.class, ReactiveUserDetailsServiceAutoConfiguration.class);

    @TempDir
    Path directory;

    private String url() {
        return "minoro.database.url=file:" + directory.resolve("security.db");
    }

    private ReactiveWebApplicationContextRunner reactiveWeb() {
        return new ReactiveWebApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS)
                .withPropertyValues(url()).withPropertyValues(MinoroAutoConfigurationIntegrationTests.CHEAP_HASHING);
    }

    @Test
    void aReactiveWebApplicationLogsInThroughMinoroInsteadOfSpringBootsInMemoryUser() {
        reactiveWeb().run(context -> {
            assertThat(context).hasNotFailed()
                    .hasSingleBean(ReactiveAuthenticationManager.class)
                    .hasSingleBean(ReactiveUserDetailsService.class)
                    .doesNotHaveBean(MapReactiveUserDetailsService.class);
            assertThat(context.getBean(ReactiveAuthenticationManager.class))
                    .isInstanceOf(MinoroReactiveAuthenticationManager.class);
            assertThat(context.getBean(ReactiveUserDetailsService.class))
                    .isInstanceOf(MinoroReactiveUserDetailsService.class);

            Minoro minoro = context.getBean(Minoro.class);
            dev.minoro.User amy = minoro.users().create(NewUser.of("amy@example.com", TestConfigs.PASSWORD))
                    .block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
            minoro.roles().create("editor", null).block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
            minoro.roles().grantPermission("editor", "posts:write").block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
            minoro.roles().assign(amy.id(), "editor").block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);

            Authentication authenticated = context.getBean(ReactiveAuthenticationManager.class)
                    .authenticate(UsernamePasswordAuthenticationToken.unauthenticated("amy@example.com",
                            TestConfigs.PASSWORD))
                    .block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
            assertEquals(List.of("ROLE_editor", "posts:write"), authenticated.getAuthorities().stream()
                    .map(GrantedAuthority::getAuthority).collect(Collectors.toList()));
            MinoroUserDetails details = assertInstanceOf(MinoroUserDetails.class,
                    context.getBean(ReactiveUserDetailsService.class).findByUsername("AMY@example.com")
                            .block(MinoroAutoConfigurationIntegrationTests.TIMEOUT));
            assertEquals(amy.id(), details.id());
        });
    }

    @Test
    void theApplicationsOwnAuthenticationManagerWins() {
        ReactiveAuthenticationManager own = authentication -> Mono.empty();
        reactiveWeb().withBean(ReactiveAuthenticationManager.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ReactiveAuthenticationManager.class)
                    .hasSingleBean(MinoroReactiveUserDetailsService.class);
            assertThat(context.getBean(ReactiveAuthenticationManager.class)).isSameAs(own);
        });
    }

    @Test
    void anAuthenticationManagerResolverMakesTheManagerBackOff() {
        ReactiveAuthenticationManagerResolver<Object> own = request -> Mono.empty();
        reactiveWeb().withBean(ReactiveAuthenticationManagerResolver.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ReactiveAuthenticationManager.class)
                    .hasSingleBean(MinoroReactiveUserDetailsService.class);
        });
    }

    @Test
    void theApplicationsOwnUserDetailsServiceWins() {
        MapReactiveUserDetailsService own = new MapReactiveUserDetailsService(
                User.withUsername("ops").password("{noop}ops").roles("ops").build());
        reactiveWeb().withBean(ReactiveUserDetailsService.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ReactiveUserDetailsService.class)
                    .hasSingleBean(MinoroReactiveAuthenticationManager.class);
            assertThat(context.getBean(ReactiveUserDetailsService.class)).isSameAs(own);
        });
    }

    @Test
    void aServletApplicationGetsNone() {
        new WebApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS).withPropertyValues(url())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Minoro.class)
                        .doesNotHaveBean(MinoroReactiveAuthenticationManager.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsService.class));
    }

    @Test
    void aNonWebApplicationGetsNone() {
        new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS).withPropertyValues(url())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Minoro.class)
                        .doesNotHaveBean(MinoroReactiveAuthenticationManager.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsService.class));
    }

    @Test
    void anRSocketServerGetsThem() {
        new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS).withPropertyValues(url())
                .withBean(RSocketMessageHandler.class, RSocketMessageHandler::new)
                .run(context -> assertThat(context).hasNotFailed()
                        .hasSingleBean(MinoroReactiveAuthenticationManager.class)
                        .hasSingleBean(MinoroReactiveUserDetailsService.class)
                        .doesNotHaveBean(MapReactiveUserDetailsService.class));
    }

    @Test
    void withoutSpringSecurityThereAreNone() {
        reactiveWeb().withClassLoader(new FilteredClassLoader("org.springframework.security."))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Minoro.class)
                        .doesNotHaveBean(MinoroReactiveAuthenticationManager.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsService.class));
    }

    @Test
    void withTwoMinorosThereAreNone() {
        Minoro first = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "first.db"),
                MutableClock.atFixedStart())).block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
        Minoro second = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "second.db"),
                MutableClock.atFixedStart())).block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
        try {
            reactiveWeb().withBean("first", Minoro.class, () -> first, d -> d.setDestroyMethodName(""))
                    .withBean("second", Minoro.class, () -> second, d -> d.setDestroyMethodName(""))
                    .run(context -> assertThat(context).hasNotFailed()
                            .doesNotHaveBean(MinoroReactiveAuthenticationManager.class)
                            .doesNotHaveBean(MinoroReactiveUserDetailsService.class));
        } finally {
            first.close().block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
            second.close().block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
        }
    }
}
