package dev.minoro.spring.boot;

import dev.minoro.Minoro;
import dev.minoro.spring.MinoroReactiveAuthenticationManager;
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
 *       permissions for flows that have authenticated the user otherwise.</li>
 * </ul>
 * Roles become {@code ROLE_<name>} authorities; for another prefix, define the beans with {@code withRolePrefix}.
 *
 * <p>No {@code ReactiveUserDetailsPasswordService}: Spring Security calls one to store a hash made by its own
 * {@code PasswordEncoder}, while Minoro hashes and upgrades its passwords itself, at login, and never takes a hash
 * from outside except as an import.
 */
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
