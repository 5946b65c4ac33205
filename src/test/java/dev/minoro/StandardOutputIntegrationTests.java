package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.StandardOutputProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library never writes to standard output: a child JVM on the class path an application gets from
 * Minoro (its runtime dependencies, slf4j-api among them, and no SLF4J binding) goes through everything
 * Minoro does on SQLite and PostgreSQL, the logged events and failures included, and prints nothing.
 */
@ExtendWith(PostgresServer.class)
final class StandardOutputIntegrationTests {

    @TempDir
    Path directory;

    @Test
    void nothingMinoroDoesPrintsToStandardOutput(PostgresDatabase postgres) throws Exception {
        List<Path> classPath = JavaProcess.applicationClassPath();
        for (Path entry : classPath) {
            assertFalse(isSlf4jBinding(entry), "the child must run without an SLF4J binding, but has " + entry);
        }

        JavaProcess probe = JavaProcess.builder(StandardOutputProbe.class.getName())
                .classPath(classPath)
                .arguments("file:" + directory.resolve("probe.db"), postgres.url())
                .separateStandardError()
                .start(directory.resolve("probe.out"));

        assertEquals(0, probe.waitFor(180), probe.output());
        assertTrue(probe.standardError().contains("probe done"), probe.output());
        assertEquals("", probe.standardOutput(), "Minoro printed to standard output");
        // Minoro brings the SLF4J API, which says once, on stderr, that it found no binding.
        assertTrue(classPath.stream().anyMatch(entry -> entry.getFileName().toString().startsWith("slf4j-api-2.")),
                "Minoro brings slf4j-api 2: " + classPath);
        assertTrue(probe.standardError().contains("No SLF4J providers were found"), probe.output());
    }

    /** A jar or directory that provides an SLF4J 2 binding or an SLF4J 1.7 one. */
    private static boolean isSlf4jBinding(Path entry) throws IOException {
        String provider = "META-INF/services/org.slf4j.spi.SLF4JServiceProvider";
        String legacy = "org/slf4j/impl/StaticLoggerBinder.class";
        if (Files.isDirectory(entry)) {
            return Stream.of(provider, legacy).anyMatch(name -> Files.exists(entry.resolve(name)));
        }
        try (ZipFile jar = new ZipFile(entry.toFile())) {
            return jar.getEntry(provider) != null || jar.getEntry(legacy) != null;
        }
    }
}
