package dev.minoro.reliability;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** {@link GeneratedInputProperties} on a SQLite file. */
final class SqliteGeneratedInputIntegrationTests extends GeneratedInputProperties {

    @Override
    Minoro minoro() {
        return minoro("SQLite file", () -> {
            try {
                return DatabaseConfig.sqlite("file:" + Files.createTempDirectory("minoro-generated-input")
                        .resolve("input.db"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
