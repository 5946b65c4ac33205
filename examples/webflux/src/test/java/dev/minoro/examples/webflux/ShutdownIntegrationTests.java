package dev.minoro.examples.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minoro.Minoro;
import dev.minoro.MinoroException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Closing the application closes Minoro: the auto-configuration closes the {@code Minoro} bean it made. */
final class ShutdownIntegrationTests {

    @TempDir
    Path directory;

    @Test
    void closingTheContextClosesMinoro() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(WebfluxExampleApplication.class)
                .run("--server.port=0", "--minoro.database.url=file:" + directory.resolve("shutdown.db"));
        Minoro minoro = context.getBean(Minoro.class);
        assertEquals(0L, minoro.users().count().block(Duration.ofSeconds(30)));

        context.close();

        MinoroException closed = assertThrows(MinoroException.class,
                () -> minoro.users().count().block(Duration.ofSeconds(30)));
        assertEquals("this Minoro instance is closed; make a new one with Minoro.create(...)", closed.getMessage());
    }
}
