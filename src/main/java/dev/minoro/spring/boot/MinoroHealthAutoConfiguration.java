package dev.minoro.spring.boot;

import dev.minoro.ConfigurationException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code minoro} health indicator ({@link MinoroHealthIndicator}) when Spring Boot's
 * health support (the actuator's) is on the class path and the application has one {@link Minoro} bean; off with
 * {@code management.health.minoro.enabled=false}, and backing off when the application defines a bean named
 * {@code minoroHealthIndicator} or {@code minoroHealthContributor}.
 */
@AutoConfiguration(after = MinoroAutoConfiguration.class)
@ConditionalOnClass(ReactiveHealthIndicator.class)
@ConditionalOnSingleCandidate(Minoro.class)
@ConditionalOnEnabledHealthIndicator("minoro")
@EnableConfigurationProperties(MinoroHealthProperties.class)
public final class MinoroHealthAutoConfiguration {

    MinoroHealthAutoConfiguration() {
    }

    /**
     * Checks the schema with the {@code MinoroConfig} bean's database when there is one (the auto-configured
     * {@code Minoro} has one); for a {@code Minoro} the application made without one, it checks only that the
     * database answers.
     */
    @Bean
    @ConditionalOnMissingBean(name = { "minoroHealthIndicator", "minoroHealthContributor" })
    MinoroHealthIndicator minoroHealthIndicator(Minoro minoro, ObjectProvider<MinoroConfig> config,
            MinoroHealthProperties properties) {
        MinoroConfig minoroConfig = config.getIfUnique();
        try {
            return new MinoroHealthIndicator(minoro, minoroConfig == null ? null : minoroConfig.database(),
                    properties.getTimeout());
        } catch (IllegalArgumentException e) {
            throw new MinoroStartupException(
                    new ConfigurationException("management.health.minoro.timeout: " + e.getMessage(), e));
        }
    }
}
