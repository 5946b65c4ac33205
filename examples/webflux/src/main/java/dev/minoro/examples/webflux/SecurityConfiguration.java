package dev.minoro.examples.webflux;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.web.server.session.HeaderWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;

/**
 * HTTP Basic against Minoro, and sessions kept by Minoro. Minoro's auto-configuration provides the
 * {@code ReactiveAuthenticationManager} (in place of Spring Boot's in-memory user), which {@code ServerHttpSecurity}
 * uses: every HTTP Basic request's credentials go through {@code Minoro.authenticate}, so lockout, disabled accounts
 * and rehashing apply, and the user's roles ({@code ROLE_admin}) and permissions ({@code reports:read}) become its
 * authorities.
 *
 * <p>With spring-session-core on the class path, the same auto-configuration keeps the {@code WebSession}s in
 * Minoro's database. {@code POST /login} (with HTTP Basic) stores the caller's security context in a new session and
 * answers its id in the {@code X-Auth-Token} header; later requests send that header instead of the password. The
 * session is bound to the Minoro user, so it stops working at the next request once the user is disabled, changes
 * password or roles, or signs out everywhere. HTTP Basic on other requests still creates no session.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** The header that carries the session id, as in Spring Session's REST guide. */
    static final String SESSION_HEADER = "X-Auth-Token";

    /** Where a logged-in caller's security context lives: in its WebSession, that is in Minoro's database. */
    @Bean
    ServerSecurityContextRepository securityContextRepository() {
        return new WebSessionServerSecurityContextRepository();
    }

    /**
     * The session id travels in a header, not a cookie: browsers never send it on their own, so there is no
     * cross-site request forgery to defend against and CSRF protection stays off for this JSON API.
     */
    @Bean
    WebSessionIdResolver webSessionIdResolver() {
        HeaderWebSessionIdResolver resolver = new HeaderWebSessionIdResolver();
        resolver.setHeaderName(SESSION_HEADER);
        return resolver;
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http,
            ServerSecurityContextRepository securityContextRepository) {
        return http
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.POST, "/signup").permitAll()
                        // For the scraper and the load balancer. In production, serve them on a port of their own,
                        // reachable from inside only (management.server.port).
                        .pathMatchers("/actuator/health", "/actuator/prometheus").permitAll()
                        .pathMatchers("/admin/**").hasRole(MinoroConfiguration.ADMIN_ROLE)
                        .pathMatchers("/reports/**").hasAuthority(MinoroConfiguration.REPORTS_READ)
                        .anyExchange().authenticated())
                // HTTP Basic authenticates the one request; only POST /login keeps what it proved, in a session.
                .httpBasic(basic -> basic.securityContextRepository(NoOpServerSecurityContextRepository.getInstance()))
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(securityContextRepository)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .build();
    }
}
