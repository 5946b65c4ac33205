package dev.minoro.examples.webflux;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

/**
 * HTTP Basic against Minoro. Minoro's auto-configuration provides the {@code ReactiveAuthenticationManager} (in
 * place of Spring Boot's in-memory user), which {@code ServerHttpSecurity} uses: every request's credentials go
 * through {@code Minoro.authenticate}, so lockout, disabled accounts and rehashing apply, and the user's roles
 * ({@code ROLE_admin}) and permissions ({@code reports:read}) become its authorities.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
        return http
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.POST, "/signup").permitAll()
                        // For the scraper and the load balancer. In production, serve them on a port of their own,
                        // reachable from inside only (management.server.port).
                        .pathMatchers("/actuator/health", "/actuator/prometheus").permitAll()
                        .pathMatchers("/admin/**").hasRole(MinoroConfiguration.ADMIN_ROLE)
                        .pathMatchers("/reports/**").hasAuthority(MinoroConfiguration.REPORTS_READ)
                        .anyExchange().authenticated())
                .httpBasic(basic -> { })
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                // A stateless JSON API: credentials on every request, no session, so no CSRF token either.
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .build();
    }
}
