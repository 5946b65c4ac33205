package dev.minoro.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.testing.TestConfigs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * {@link MinoroObservabilityAutoConfiguration}: the application's {@code MeterRegistry} and {@code ObservationRegistry}
 * beans reach the auto-configured {@code Minoro}, which then reports to them; with no such bean, or without
 * Micrometer on the class path, Minoro reports to none; the application's own {@code MinoroConfig} and its
 * customizers have the last word.
 */
final class MinoroObservabilityAutoConfigurationIntegrationTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MinoroAutoConfiguration.class,
                    MinoroObservabilityAutoConfiguration.class))
            .withPropertyValues(MinoroAutoConfigurationIntegrationTests.CHEAP_HASHING);

    private String url() {
        return "minoro.database.url=file:" + directory.resolve("auth.db");
    }

    @Test
    void theApplicationsRegistriesReachMinoro() {
        runner.withPropertyValues(url()).withUserConfiguration(Registries.class).run(context -> {
            assertThat(context).hasNotFailed();
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            TestObservationRegistry observations = context.getBean(TestObservationRegistry.class);
            MinoroConfig config = context.getBean(MinoroConfig.class);
            assertSame(meters, config.meterRegistry());
            assertSame(observations, config.observationRegistry());

            Minoro minoro = context.getBean(Minoro.class);
            minoro.users().create(NewUser.of("ada@example.com", TestConfigs.PASSWORD))
                    .block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
            minoro.authenticate("ada@example.com", TestConfigs.PASSWORD)
                    .block(MinoroAutoConfigurationIntegrationTests.TIMEOUT);
            assertEquals(1, meters.get("minoro.logins").tag("outcome", "success").counter().count());
            assertEquals(1, meters.get("minoro.migrations").tag("outcome", "applied").timer().count());
            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("minoro.boot").that().hasBeenStopped();
            TestObservationRegistryAssert.assertThat(observations)
                    .hasObservationWithNameEqualTo("minoro.authenticate").that()
                    .hasLowCardinalityKeyValue("outcome", "success");
        });
    }

    @Test
    void withTwoMeterRegistriesThePrimaryOneIsUsed() {
        runner.withPropertyValues(url()).withUserConfiguration(TwoMeterRegistries.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertSame(context.getBean("primaryMeters"), context.getBean(MinoroConfig.class).meterRegistry());
        });
    }

    @Test
    void withoutRegistryBeansMinoroReportsToNone() {
        runner.withPropertyValues(url()).run(context -> {
            assertThat(context).hasNotFailed();
            MinoroConfig config = context.getBean(MinoroConfig.class);
            assertNull(config.meterRegistry());
            assertNull(config.observationRegistry());
        });
    }

    @Test
    void withoutMicrometerOnTheClassPathTheCustomizersBackOff() {
        runner.withPropertyValues(url())
                .withClassLoader(new FilteredClassLoader("io.micrometer."))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean("minoroMeterRegistryCustomizer");
                    assertThat(context).doesNotHaveBean("minoroObservationRegistryCustomizer");
                    assertThat(context).hasSingleBean(Minoro.class);
                });
    }

    @Test
    void withObservationsOnlyOnlyTheObservationRegistryIsUsed() {
        runner.withPropertyValues(url()).withUserConfiguration(Registries.class)
                .withClassLoader(new FilteredClassLoader("io.micrometer.core."))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean("minoroMeterRegistryCustomizer");
                    assertThat(context).hasBean("minoroObservationRegistryCustomizer");
                    assertSame(context.getBean(ObservationRegistry.class),
                            context.getBean(MinoroConfig.class).observationRegistry());
                    assertNull(context.getBean(MinoroConfig.class).meterRegistry());
                });
    }

    @Test
    void theApplicationsCustomizerRunsAfterAndMayReplaceTheRegistry() {
        runner.withPropertyValues(url()).withUserConfiguration(Registries.class, OwnMeterRegistry.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertSame(OwnMeterRegistry.OWN, context.getBean(MinoroConfig.class).meterRegistry());
                });
    }

    @Test
    void theApplicationsOwnMinoroConfigIsUsedAsItIs() {
        runner.withUserConfiguration(Registries.class, OwnConfig.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertNull(context.getBean(MinoroConfig.class).meterRegistry());
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Registries {

        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoMeterRegistries {

        @Bean
        @Primary
        SimpleMeterRegistry primaryMeters() {
            return new SimpleMeterRegistry();
        }

        @Bean
        SimpleMeterRegistry otherMeters() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMeterRegistry {

        static final SimpleMeterRegistry OWN = new SimpleMeterRegistry();

        @Bean
        MinoroConfigCustomizer ownMeterRegistry() {
            return builder -> builder.meterRegistry(OWN);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnConfig {

        @Bean
        MinoroConfig minoroConfig() {
            return MinoroConfig.of(DatabaseConfig.sqlite(":memory:"));
        }
    }
}
