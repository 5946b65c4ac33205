package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.sqlite.SqliteConnectionFactory;
import dev.minoro.testing.TestConfigs;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@code DatabaseConfig.withConnectionFactoryCustomizer}: what it is given, when it is called, what closing
 * releases, and what a customizer that fails does.
 */
final class ConnectionFactoryCustomizerIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void itWrapsTheDriverOncePerOpeningOffTheCallersThreadAndClosingDisposesWhatItMade() {
        List<ConnectionFactory> given = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        List<ConnectionPool> pools = new CopyOnWriteArrayList<>();
        DatabaseConfig database = TestConfigs.sqliteFile(directory, "pooled.db").withConnectionFactoryCustomizer(factory -> {
            given.add(factory);
            threads.add(Thread.currentThread().getName());
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).maxSize(2).build());
            pools.add(pool);
            return pool;
        });
        Minoro.migrateDatabase(database).block(TIMEOUT);
        Minoro minoro = Minoro.create(TestConfigs.fast(database, Clock.systemUTC())).block(TIMEOUT);
        minoro.users().create(NewUser.of("pooled@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);

        assertEquals(2, given.size(), "one factory per opening: " + given);
        given.forEach(factory -> assertInstanceOf(SqliteConnectionFactory.class, factory));
        assertTrue(threads.stream().allMatch(name -> name.startsWith("boundedElastic-")), threads.toString());
        assertTrue(pools.get(0).isDisposed(), "migrateDatabase closed its pool");
        assertTrue(!pools.get(1).isDisposed(), "the instance's pool is open while the instance is");

        minoro.close().block(TIMEOUT);
        assertTrue(pools.get(1).isDisposed(), "closing the instance disposed its pool");
    }

    /**
     * A customizer that throws what Reactor takes for fatal to the JVM (a {@link StackOverflowError}, a
     * {@link LinkageError} such as a {@link NoClassDefFoundError} for a pool missing from the class path, an
     * {@link OutOfMemoryError}): Reactor's {@code fromCallable} rethrew it on the bounded-elastic thread, and the boot
     * waited for ever. The boot fails with it, and closes what it had opened.
     */
    @ParameterizedTest
    @ValueSource(strings = {"StackOverflowError", "LinkageError", "OutOfMemoryError"})
    void aCustomizerThatThrowsAnErrorFailsTheBootWithIt(String kind) {
        DatabaseConfig database = TestConfigs.sqliteFile(directory, "erring.db");
        Error thrown = switch (kind) {
            case "StackOverflowError" -> new StackOverflowError();
            case "LinkageError" -> new NoClassDefFoundError("io/r2dbc/pool/ConnectionPool (thrown by the test)");
            default -> new OutOfMemoryError("Java heap space (thrown by the test)");
        };
        Minoro.create(MinoroConfig.of(database.withConnectionFactoryCustomizer(factory -> {
                    throw thrown;
                })))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertSame(thrown, e))
                .verify(TIMEOUT);
        // Nothing was left open: the file is free for a normal boot.
        Mono.usingWhen(Minoro.create(TestConfigs.fast(database, Clock.systemUTC())), m -> m.users().count(),
                        Minoro::close)
                .as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    @Test
    void aCustomizerThatFailsFailsTheOpeningWithAConfigurationError() {
        DatabaseConfig database = TestConfigs.sqliteFile(directory, "failing.db");
        IllegalStateException thrown = new IllegalStateException("no proxy today (thrown by the test)");
        Minoro.create(MinoroConfig.of(database.withConnectionFactoryCustomizer(factory -> {
                    throw thrown;
                })))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(ConfigurationException.class, e);
                    assertEquals("connectionFactoryCustomizer threw java.lang.IllegalStateException", e.getMessage());
                    assertSame(thrown, e.getCause());
                })
                .verify(TIMEOUT);
        Minoro.migrateDatabase(database.withConnectionFactoryCustomizer(factory -> null))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(ConfigurationException.class, e);
                    assertEquals("connectionFactoryCustomizer returned null instead of a ConnectionFactory",
                            e.getMessage());
                })
                .verify(TIMEOUT);
        // Nothing was left open: the file is free for a normal boot.
        Mono.usingWhen(Minoro.create(TestConfigs.fast(database, Clock.systemUTC())), m -> m.users().count(), Minoro::close)
                .as(StepVerifier::create).expectNext(0L).verifyComplete();
    }
}
