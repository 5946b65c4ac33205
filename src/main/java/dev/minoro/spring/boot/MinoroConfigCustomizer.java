package dev.minoro.spring.boot;

import dev.minoro.MinoroConfig;

/**
 * Changes the {@link MinoroConfig} that {@link MinoroAutoConfiguration} makes from the {@code minoro.*} properties,
 * for what properties cannot say: a {@code Clock}, a database whose connection string comes from a secret store.
 *
 * <p>Every bean of this type is called, in {@code @Order}, with a builder that already holds what the properties
 * set; {@code build()} then checks the result. Customizers are not called when the application defines its own
 * {@code MinoroConfig} or {@code Minoro} bean.
 *
 * <pre>{@code
 *
 * @Bean
 * MinoroConfigCustomizer fixedClock(Clock clock) {
 *     return builder -> builder.clock(clock);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface MinoroConfigCustomizer {

    /**
     * Changes {@code builder}; a refused value throws Minoro's {@code ConfigurationException}, which fails startup.
     *
     * @param builder the builder, holding what the properties set
     */
    void customize(MinoroConfig.Builder builder);
}
