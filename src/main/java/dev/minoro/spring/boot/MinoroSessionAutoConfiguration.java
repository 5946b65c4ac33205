package dev.minoro.spring.boot;

import dev.minoro.ConfigurationException;
import dev.minoro.Minoro;
import dev.minoro.spring.session.MinoroReactiveSessionRepository;
import dev.minoro.spring.session.SessionAttributeSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.config.annotation.web.server.SpringWebSessionConfiguration;

/**
 * Auto-configuration of Spring Session for a reactive web application with spring-session-core on the class path
 * and one {@link Minoro} bean: WebFlux keeps its {@code WebSession}s in Minoro's database, next to the users.
 *
 * <p>Beans, each unless the application defines its own:
 * <ul>
 *   <li>{@code minoroSessionRepository}, a {@link MinoroReactiveSessionRepository} configured by the
 *       {@code minoro.spring-session.*} properties, serializing attributes with the application's
 *       {@link SessionAttributeSerializer} bean if it has one (for JSON, say), else with Java serialization; backs
 *       off for any {@code ReactiveSessionRepository} of the application's (Redis, MongoDB...);</li>
 *   <li>Spring Session's {@code webSessionManager} (what {@code @EnableSpringWebSession} imports), in place of
 *       WebFlux's in-memory one, unless the application defines a bean of that name (with
 *       {@code @EnableSpringWebSession}, say).</li>
 * </ul>
 * Off with {@code minoro.spring-session.enabled=false}.
 */
@AutoConfiguration(after = MinoroAutoConfiguration.class,
        beforeName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@ConditionalOnClass(ReactiveSessionRepository.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnSingleCandidate(Minoro.class)
@ConditionalOnProperty(prefix = "minoro.spring-session", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(MinoroSpringSessionProperties.class)
public final class MinoroSessionAutoConfiguration {

    MinoroSessionAutoConfiguration() {
    }

    /**
     * The store, from the properties; a bad value fails startup with Minoro's message, prefixed with the property's
     * name.
     */
    @Bean
    @ConditionalOnMissingBean(ReactiveSessionRepository.class)
    MinoroReactiveSessionRepository minoroSessionRepository(Minoro minoro, MinoroSpringSessionProperties properties,
            ObjectProvider<SessionAttributeSerializer> serializer) {
        MinoroReactiveSessionRepository.Builder builder = MinoroReactiveSessionRepository.builder(minoro);
        set("max-inactive-interval", () -> builder.defaultMaxInactiveInterval(properties.getMaxInactiveInterval()));
        set("renewal-interval", () -> builder.renewalInterval(properties.getRenewalInterval()));
        set("save-mode", () -> builder.saveMode(properties.getSaveMode()));
        serializer.ifUnique(builder::serializer);
        return builder.build();
    }

    /** Runs {@code setter}, naming property {@code minoro.spring-session.<name>} in the message of its failure. */
    private static void set(String name, Runnable setter) {
        try {
            setter.run();
        } catch (ConfigurationException e) {
            throw new ConfigurationException("minoro.spring-session." + name + ": " + e.getMessage(), e);
        }
    }

    /** Spring Session's {@code WebSessionManager} over the repository, unless the application has one. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(name = "webSessionManager")
    @Import(SpringWebSessionConfiguration.class)
    static final class WebSessionManagerConfiguration {

        WebSessionManagerConfiguration() {
        }
    }
}
