package dev.minoro.examples.webflux;

import dev.minoro.Minoro;
import dev.minoro.NewUser;
import java.time.Duration;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * What this service adds to the {@code Minoro} bean that Minoro's Spring Boot auto-configuration makes from the
 * {@code minoro.*} properties (booted and migrated at startup, closed at shutdown): the roles its security rules
 * name, and a bootstrap admin.
 */
@Configuration(proxyBeanMethods = false)
class MinoroConfiguration {

    static final String ADMIN_ROLE = "admin";
    static final String ANALYST_ROLE = "analyst";
    static final String REPORTS_READ = "reports:read";

    private static final Duration SEED_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Makes sure the roles exist, and the admin if one is configured, while the application starts: beans are made
     * on the thread that starts it (here {@code main}), before the web server takes requests, so waiting here once
     * is fine. Request handlers never block.
     */
    @Bean
    InitializingBean minoroSeed(Minoro minoro, AdminProperties admin) {
        return () -> seed(minoro, admin).block(SEED_TIMEOUT);
    }

    private static Mono<Void> seed(Minoro minoro, AdminProperties admin) {
        Mono<Void> roles = ensureRole(minoro, ADMIN_ROLE, "May list and unlock users")
                .then(ensureRole(minoro, ANALYST_ROLE, "May read reports"))
                .then(minoro.roles().grantPermission(ANALYST_ROLE, REPORTS_READ))
                .then(minoro.roles().grantPermission(ADMIN_ROLE, REPORTS_READ));
        if (isBlank(admin.email()) || isBlank(admin.password())) {
            return roles;
        }
        Mono<Void> account = minoro.users().findByEmail(admin.email())
                .switchIfEmpty(Mono.defer(() -> minoro.users().create(
                        NewUser.of(admin.email(), admin.password()).withDisplayName("Administrator"))))
                .flatMap(user -> minoro.roles().assign(user.id(), ADMIN_ROLE));
        return roles.then(account);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static Mono<Void> ensureRole(Minoro minoro, String name, String description) {
        return minoro.roles().findByName(name)
                .switchIfEmpty(Mono.defer(() -> minoro.roles().create(name, description)))
                .then();
    }
}
