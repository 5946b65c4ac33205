package dev.minoro.spring.boot;

import dev.minoro.Minoro;
import dev.minoro.spring.MinoroReactiveAuthenticationManager;
import dev.minoro.spring.MinoroReactiveUserDetailsPasswordService;
import dev.minoro.spring.MinoroReactiveUserDetailsService;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.core.userdetails.ReactiveUserDetailsPasswordService;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;

/**
 * Auto-configuration of Spring Security's reactive beans backed by the application's {@link Minoro}, in place of
 * the in-memory user Spring Boot would otherwise make, where Spring Boot would make it: Spring Security on the class
 * path and a reactive web application (or an RSocket server).
 *
 * <p>Beans, each unless the application defines one of the same type:
 * <ul>
 *   <li>{@code minoroAuthenticationManager}, a {@link MinoroReactiveAuthenticationManager}: HTTP Basic and form
 *       logins go through {@code Minoro.authenticate} (lockout, disabled accounts, rehashing); also backs off when
 *       the application defines a {@code ReactiveAuthenticationManagerResolver};</li>
 *   <li>{@code minoroUserDetailsService}, a {@link MinoroReactiveUserDetailsService}: the user's roles and
 *       permissions for flows that have authenticated the user otherwise;</li>
 *   <li>{@code minoroUserDetailsPasswordService}, a {@link MinoroReactiveUserDetailsPasswordService}: stores a
 *       password that Spring Security's {@code PasswordEncoder} encoded (bcrypt or Argon2, with or without the
 *       delegating encoder's {@code {bcrypt}}/{@code {argon2}} prefix) as an imported hash, which the user's next
 *       login replaces with Minoro's own Argon2id.</li>
 * </ul>
 * Roles become {@code ROLE_<name>} authorities; for another prefix, define the beans with {@code withRolePrefix}.
 * */
@AutoConfiguration(after = MinoroAutoConfiguration.class,
        afterName = "org.springframework.boot.rsocket.autoconfigure.RSocketMessagingAutoConfiguration",
        beforeName = "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration")
@ConditionalOnClass(ReactiveAuthenticationManager.class)
@ConditionalOnSingleCandidate(Minoro.class)
@Conditional(MinoroSecurityAutoConfiguration.ReactiveWebApplicationOrRSocket.class)
public final class MinoroSecurityAutoConfiguration {

    MinoroSecurityAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean({ ReactiveAuthenticationManager.class, ReactiveAuthenticationManagerResolver.class })
    MinoroReactiveAuthenticationManager minoroAuthenticationManager(Minoro minoro) {
        return MinoroReactiveAuthenticationManager.of(minoro);
    }

    @Bean
    @ConditionalOnMissingBean(ReactiveUserDetailsService.class)
    MinoroReactiveUserDetailsService minoroUserDetailsService(Minoro minoro) {
        return MinoroReactiveUserDetailsService.of(minoro);
    }

    @Bean
    @ConditionalOnMissingBean(ReactiveUserDetailsPasswordService.class)
    MinoroReactiveUserDetailsPasswordService minoroUserDetailsPasswordService(Minoro minoro) {
        return MinoroReactiveUserDetailsPasswordService.of(minoro);
    }

    /** Where Spring Boot's own reactive user details apply: a reactive web application or an RSocket server. */
    static final class ReactiveWebApplicationOrRSocket extends AnyNestedCondition {

        ReactiveWebApplicationOrRSocket() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
        static final class ReactiveWebApplication {
        }

        @ConditionalOnBean(type = "org.springframework.messaging.rsocket.annotation.support.RSocketMessageHandler")
        static final class RSocketServer {
        }
    }
}
