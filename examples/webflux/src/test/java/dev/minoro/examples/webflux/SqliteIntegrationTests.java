package dev.minoro.examples.webflux;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example as it runs by default: users, roles and sessions in a SQLite file (here in a temporary folder). */
final class SqliteIntegrationTests extends WebfluxExampleIntegrationTests {

    @TempDir
    static Path directory;

    @DynamicPropertySource
    static void sqlite(DynamicPropertyRegistry registry) {
        registry.add("minoro.database.url", () -> "file:" + directory.resolve("webflux.db"));
    }

    @Override
    String database() {
        return "sqlite";
    }
}
