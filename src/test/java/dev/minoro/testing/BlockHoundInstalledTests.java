package dev.minoro.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Proves the suite runs under BlockHound with Minoro's rules: each of them must fire. */
final class BlockHoundInstalledTests {

    @Test
    void sleepingOnAParallelThreadFails() {
        Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.parallel())
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertInstanceOf(BlockingOperationError.class, e))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void sqliteJdbcOnAParallelThreadFails() throws Exception {
        // Loading the driver and its native library reads files: do it here, on the test's own thread,
        // so that what fails below is SQLite's own native call.
        Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:");
        try {
            Mono.fromCallable(() -> connection.createStatement().executeQuery("select 1").getInt(1))
                    .subscribeOn(Schedulers.parallel())
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        Throwable blocking = find(e);
                        assertInstanceOf(BlockingOperationError.class, blocking);
                        assertTrue(blocking.getMessage().contains("org.sqlite.core.NativeDB"), blocking.getMessage());
                    })
                    .verify(Duration.ofSeconds(10));
        } finally {
            connection.close();
        }
    }

    @Test
    void argon2OnAParallelThreadFails() {
        Mono.fromCallable(() -> {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withMemoryAsKB(64)
                    .withIterations(1).withSalt(new byte[16]).build());
            return generator.generateBytes(new byte[] {1}, new byte[32]);
        }).subscribeOn(Schedulers.parallel())
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(BlockingOperationError.class, e);
                    assertTrue(e.getMessage().contains("Argon2BytesGenerator"), e.getMessage());
                })
                .verify(Duration.ofSeconds(10));
    }

    private static Throwable find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BlockingOperationError) {
                return t;
            }
        }
        return e;
    }
}
