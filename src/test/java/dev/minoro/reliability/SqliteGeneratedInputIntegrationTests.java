package dev.minoro.reliability;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jspecify.annotations.Nullable;

/** {@link GeneratedInputProperties} on a SQLite file, in a temporary directory removed when the class is done. */
final class SqliteGeneratedInputIntegrationTests extends GeneratedInputProperties {

    private static @Nullable Path directory;

    @Override
    Minoro minoro() {
        return minoro("SQLite file", () -> {
            try {
                directory = Files.createTempDirectory("minoro-generated-input");
                return DatabaseConfig.sqlite("file:" + directory.resolve("input.db"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Closes Minoro first (closing twice is harmless), so that no connection has the file open when it goes. */
    @AfterContainer
    static void removeDatabase() throws IOException {
        close();
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        directory = null;
    }
}
