package dev.minoro.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration that hands the application's Micrometer registries to the {@code MinoroConfig} that
 * {@link MinoroAutoConfiguration} makes: its {@code MeterRegistry} (Minoro's meters, on {@code /actuator/prometheus}
 * with the actuator and a Prometheus registry) and its {@code ObservationRegistry} (Minoro's observations, as tracing
 * spans with Micrometer Tracing), each when its class is on the class path and the application has exactly one
 * such bean.
 *
 * <p>Both are {@link MinoroConfigCustomizer}s that run before the application's own, which may replace what they
 * set; like every customizer, they are not called when the application defines its own {@code MinoroConfig} or
 * {@code Minoro} bean (whose config then says which registries Minoro reports to).
 */
@AutoConfiguration
public final class MinoroObservabilityAutoConfiguration {

    MinoroObservabilityAutoConfiguration() {
    }

    /** The application's {@code MeterRegistry}, when micrometer-core is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static final class Metrics {

        Metrics() {
        }

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        MinoroConfigCustomizer minoroMeterRegistryCustomizer(ObjectProvider<MeterRegistry> registry) {
            return builder -> registry.ifUnique(builder::meterRegistry);
        }
    }

    /** The application's {@code ObservationRegistry}, when micrometer-observation is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
    static final class Observations {

        Observations() {
        }

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        MinoroConfigCustomizer minoroObservationRegistryCustomizer(ObjectProvider<ObservationRegistry> registry) {
            return builder -> registry.ifUnique(builder::observationRegistry);
        }
    }
}
