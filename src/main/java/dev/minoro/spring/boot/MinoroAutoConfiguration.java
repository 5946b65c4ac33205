package dev.minoro.spring.boot;

import dev.minoro.ConfigurationException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of a {@link Minoro} bean from the {@code minoro.*} properties ({@link MinoroProperties}),
 * unless the application defines its own {@code Minoro} bean.
 *
 * <p>Beans:
 * <ul>
 *   <li>{@code minoroConfig}, a {@link MinoroConfig} made from the properties and then every
 *       {@link MinoroConfigCustomizer}, unless the application defines a {@code MinoroConfig} bean, which is then
 *       used as it is;</li>
 *   <li>{@code minoro}, booted from it while the application starts: connected, the schema brought up to date (or
 *       only checked, with {@code minoro.database.run-migrations=false}). The startup thread waits for the boot, so
 *       the application takes no request before its accounts are ready, and a database that cannot be reached, a
 *       schema that is too new or a refused value fails the startup with Minoro's message. Closed when the context
 *       closes, after every bean that uses it, waiting at most {@code minoro.shutdown-timeout}.</li>
 * </ul>
 *
 * <p>Before either, the properties as written are checked: a name under {@code minoro.*} that is none of Minoro's
 * properties, or a duration without a unit, fails the startup naming it.
 */
@AutoConfiguration
@ConditionalOnMissingBean(Minoro.class)
@EnableConfigurationProperties(MinoroProperties.class)
public final class MinoroAutoConfiguration {

    /** The {@code MinoroConfig} made from the properties, once made: Minoro's later refusals then name them. */
    private @Nullable MinoroConfig fromProperties;

    /**
     * Checks the properties as written before any bean binds them, so that a misspelt name fails the startup as
     * itself rather than as the default it left in place.
     */
    MinoroAutoConfiguration(Environment environment, ResourceLoader resourceLoader) {
        try {
            WrittenProperties.check(environment, resourceLoader.getClassLoader());
        } catch (MinoroException e) {
            throw new MinoroStartupException(e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    MinoroConfig minoroConfig(MinoroProperties properties, ObjectProvider<MinoroConfigCustomizer> customizers) {
        try {
            MinoroConfig.Builder builder = PropertiesConfig.builder(properties);
            customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
            MinoroConfig config = builder.build();
            fromProperties = config;
            return config;
        } catch (MinoroException e) {
            throw new MinoroStartupException(e);
        }
    }

    @Bean
    MinoroShutdown minoroShutdown(MinoroProperties properties) {
        Duration timeout = properties.getShutdownTimeout();
        if (timeout.isNegative()) {
            // A negative wait would end at once: the shutdown would never wait, which no one means by it.
            throw new MinoroStartupException(new ConfigurationException("minoro.shutdown-timeout must be zero (no"
                    + " wait) or a positive duration, was " + timeout));
        }
        return new MinoroShutdown(timeout);
    }

    /** No destroy method: {@link MinoroShutdown} closes it, with a bound that Spring's own wait would not have. */
    @Bean(destroyMethod = "")
    Minoro minoro(MinoroConfig minoroConfig, MinoroShutdown minoroShutdown) {
        Minoro minoro;
        try {
            minoro = Minoro.create(minoroConfig).block();
        } catch (ConfigurationException e) {
            throw new MinoroStartupException(minoroConfig == fromProperties ? PropertiesConfig.inPropertyTerms(e) : e);
        } catch (MinoroException e) {
            throw new MinoroStartupException(e);
        }
        if (minoro == null) {
            throw new IllegalStateException("Minoro.create completed without an instance");
        }
        minoroShutdown.closeAtShutdown(minoro);
        return minoro;
    }
}
