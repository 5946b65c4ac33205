package dev.minoro.examples.webflux;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/** Minoro as a Spring bean: booted once at startup, closed at shutdown. */
@Configuration(proxyBeanMethods = false)
class MinoroConfiguration {

    static final String ADMIN_ROLE = "admin";
    static final String ANALYST_ROLE = "analyst";
    static final String REPORTS_READ = "reports:read";

    /**
     * Boots Minoro, migrating the schema, and makes sure the roles this service relies on exist.
     *
     * <p>Bean methods run on the thread that starts the application (here {@code main}), never on an
     * event loop, so waiting here once is fine: the service must not take requests before its database is
     * ready anyway, and a failure stops the startup with Minoro's message. Request handlers never block.
     *
     * <p>{@code close()} returns a cold {@code Mono}; Spring subscribes to a {@code Publisher} returned by a
     * destroy method and waits for it, so {@code destroyMethod = "close"} really releases the connections
     * and threads at shutdown.
     */
    @Bean(destroyMethod = "close")
    Minoro minoro(MinoroProperties properties) {
        DatabaseType type = DatabaseType.valueOf(properties.databaseType().toUpperCase(Locale.ROOT));
        MinoroConfig config = MinoroConfig.builder()
                .database(DatabaseConfig.of(type, properties.databaseUrl()))
                .maxFailedLogins(properties.maxFailedLogins())
                .lockoutDuration(properties.lockoutDuration())
                .build();
        Minoro minoro = Minoro.create(config).block(properties.bootTimeout());
        try {
            seed(minoro, properties).block(properties.bootTimeout());
        } catch (RuntimeException e) {
            minoro.close().block(properties.bootTimeout());
            throw e;
        }
        return minoro;
    }

    /** The roles and permissions the security rules name, and the bootstrap admin if one is configured. */
    private static Mono<Void> seed(Minoro minoro, MinoroProperties properties) {
        Mono<Void> roles = ensureRole(minoro, ADMIN_ROLE, "May list and unlock users")
                .then(ensureRole(minoro, ANALYST_ROLE, "May read reports"))
                .then(minoro.roles().grantPermission(ANALYST_ROLE, REPORTS_READ))
                .then(minoro.roles().grantPermission(ADMIN_ROLE, REPORTS_READ));
        if (isBlank(properties.adminEmail()) || isBlank(properties.adminPassword())) {
            return roles;
        }
        Mono<Void> admin = minoro.users().findByEmail(properties.adminEmail())
                .switchIfEmpty(Mono.defer(() -> minoro.users().create(
                        NewUser.of(properties.adminEmail(), properties.adminPassword()).withDisplayName("Administrator"))))
                .flatMap(user -> minoro.roles().assign(user.id(), ADMIN_ROLE));
        return roles.then(admin);
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
