package dev.minoro.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.spring.MinoroReactiveAuthenticationManager;
import dev.minoro.spring.MinoroReactiveUserDetailsPasswordService;
import dev.minoro.spring.MinoroReactiveUserDetailsService;
import dev.minoro.spring.MinoroUserDetails;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
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
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.ReactiveUserDetailsPasswordService;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

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

    /**
     * The password service stores what Spring's default (delegating) encoder makes, on the application's real SQLite
     * database: the user then logs in with that password through Minoro, and the next login makes it Argon2id;
     * other encodings and unknown users are refused, typed.
     */
    @Test
    void thePasswordServiceStoresWhatSpringsEncoderMakesAndTheUserLogsInWithIt() {
        reactiveWeb().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ReactiveUserDetailsPasswordService.class);
            ReactiveUserDetailsPasswordService passwords = context.getBean(ReactiveUserDetailsPasswordService.class);
            assertThat(passwords).isInstanceOf(MinoroReactiveUserDetailsPasswordService.class);
            Minoro minoro = context.getBean(Minoro.class);
            Duration timeout = MinoroAutoConfigurationIntegrationTests.TIMEOUT;
            dev.minoro.User bea = minoro.users().create(NewUser.of("bea@example.com", TestConfigs.PASSWORD))
                    .block(timeout);
            minoro.roles().create("editor", null).block(timeout);
            minoro.roles().assign(bea.id(), "editor").block(timeout);
            ReactiveAuthenticationManager logins = context.getBean(ReactiveAuthenticationManager.class);
            MinoroUserDetails before = (MinoroUserDetails) context.getBean(ReactiveUserDetailsService.class)
                    .findByUsername("bea@example.com").block(timeout);

            PasswordEncoder springDefault = PasswordEncoderFactories.createDelegatingPasswordEncoder();
            String changed = "a new password from Spring";
            String encoded = springDefault.encode(changed);
            assertTrue(encoded.startsWith("{bcrypt}$2a$"), encoded);
            MinoroUserDetails after = assertInstanceOf(MinoroUserDetails.class,
                    passwords.updatePassword(before, encoded).block(timeout));
            assertEquals(bea.id(), after.id());
            assertEquals(List.of("ROLE_editor"), after.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                    .collect(Collectors.toList()));
            StepVerifier.create(logins.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                            "bea@example.com", TestConfigs.PASSWORD)))
                    .expectError(BadCredentialsException.class).verify(timeout);
            assertTrue(logins.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("bea@example.com",
                    changed)).block(timeout).isAuthenticated());
            // the login replaced the imported bcrypt hash with Minoro's own: it still works
            assertTrue(logins.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("bea@example.com",
                    changed)).block(timeout).isAuthenticated());

            // Argon2, bare and behind the delegating encoder's {argon2} id; found by username when not Minoro's own
            String argon2 = "an argon2 password";
            UserDetails plain = User.withUsername("BEA@example.com").password("x").build();
            passwords.updatePassword(plain, "{argon2}" + new Argon2PasswordEncoder(16, 32, 1, 64, 1).encode(argon2))
                    .block(timeout);
            assertTrue(logins.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("bea@example.com",
                    argon2)).block(timeout).isAuthenticated());

            // PBKDF2 behind the delegating encoder's id for its 5.8 defaults
            String pbkdf2 = "a pbkdf2 password";
            passwords.updatePassword(before, "{pbkdf2@SpringSecurity_v5_8}" + Pbkdf2PasswordEncoder
                    .defaultsForSpringSecurity_v5_8().encode(pbkdf2)).block(timeout);
            assertTrue(logins.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("bea@example.com",
                    pbkdf2)).block(timeout).isAuthenticated());
            passwords.updatePassword(plain, "{argon2}" + new Argon2PasswordEncoder(16, 32, 1, 64, 1).encode(argon2))
                    .block(timeout);

            for (String refused : List.of("{noop}" + changed, "{sha256}abc", "not a hash at all")) {
                StepVerifier.create(passwords.updatePassword(before, refused))
                        .expectErrorSatisfies(e -> {
                            assertInstanceOf(InvalidInputException.class, e);
                            assertFalse(e.getMessage().contains(changed), e.getMessage());
                        })
                        .verify(timeout);
            }
            assertTrue(logins.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("bea@example.com",
                    argon2)).block(timeout).isAuthenticated(), "a refused change changed nothing");
            StepVerifier.create(passwords.updatePassword(User.withUsername("nobody@example.com").password("x")
                            .build(), encoded))
                    .expectError(UsernameNotFoundException.class).verify(timeout);
        });
    }

    @Test
    void theApplicationsOwnPasswordServiceWins() {
        ReactiveUserDetailsPasswordService own = (user, password) -> Mono.just(user);
        reactiveWeb().withBean(ReactiveUserDetailsPasswordService.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ReactiveUserDetailsPasswordService.class)
                    .hasSingleBean(MinoroReactiveUserDetailsService.class)
                    .hasSingleBean(MinoroReactiveAuthenticationManager.class);
            assertThat(context.getBean(ReactiveUserDetailsPasswordService.class)).isSameAs(own);
        });
    }

    @Test
    void aServletApplicationGetsNone() {
        new WebApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS).withPropertyValues(url())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Minoro.class)
                        .doesNotHaveBean(MinoroReactiveAuthenticationManager.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsService.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsPasswordService.class));
    }

    @Test
    void aNonWebApplicationGetsNone() {
        new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS).withPropertyValues(url())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Minoro.class)
                        .doesNotHaveBean(MinoroReactiveAuthenticationManager.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsService.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsPasswordService.class));
    }

    @Test
    void anRSocketServerGetsThem() {
        new ApplicationContextRunner().withConfiguration(AUTO_CONFIGURATIONS).withPropertyValues(url())
                .withBean(RSocketMessageHandler.class, RSocketMessageHandler::new)
                .run(context -> assertThat(context).hasNotFailed()
                        .hasSingleBean(MinoroReactiveAuthenticationManager.class)
                        .hasSingleBean(MinoroReactiveUserDetailsService.class)
                        .hasSingleBean(MinoroReactiveUserDetailsPasswordService.class)
                        .doesNotHaveBean(MapReactiveUserDetailsService.class));
    }

    @Test
    void withoutSpringSecurityThereAreNone() {
        reactiveWeb().withClassLoader(new FilteredClassLoader("org.springframework.security."))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Minoro.class)
                        .doesNotHaveBean(MinoroReactiveAuthenticationManager.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsService.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsPasswordService.class));
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
                            .doesNotHaveBean(MinoroReactiveUserDetailsService.class)
                        .doesNotHaveBean(MinoroReactiveUserDetailsPasswordService.class));
        } finally {
            first.close().block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
            second.close().block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
        }
    }
}
