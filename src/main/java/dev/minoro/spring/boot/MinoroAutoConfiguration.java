package dev.minoro.spring.boot;

import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

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
 */
@AutoConfiguration
@ConditionalOnMissingBean(Minoro.class)
@EnableConfigurationProperties(MinoroProperties.class)
public final class MinoroAutoConfiguration {

    MinoroAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    MinoroConfig minoroConfig(MinoroProperties properties, ObjectProvider<MinoroConfigCustomizer> customizers) {
        try {
            MinoroConfig.Builder builder = PropertiesConfig.builder(properties);
            customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
            return builder.build();
        } catch (MinoroException e) {
            throw new MinoroStartupException(e);
        }
    }

    @Bean
    MinoroShutdown minoroShutdown(MinoroProperties properties) {
        return new MinoroShutdown(properties.getShutdownTimeout());
    }

    /** No destroy method: {@link MinoroShutdown} closes it, with a bound that Spring's own wait would not have. */
    @Bean(destroyMethod = "")
    Minoro minoro(MinoroConfig minoroConfig, MinoroShutdown minoroShutdown) {
        Minoro minoro;
        try {
            minoro = Minoro.create(minoroConfig).block();
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
