package dev.minoro.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where benchmarks keep files: {@code target/bench-data/} under the working directory (JMH's forks inherit
 * it; the README runs everything from {@code benchmarks/}), or the directory the system property
 * {@code minoro.bench.data} names. Seeded databases stay there between runs; {@code mvn clean} removes them.
 */
final class BenchData {

    static final String DIRECTORY_PROPERTY = "minoro.bench.data";

    private BenchData() {
    }

    static Path directory() {
        return Path.of(System.getProperty(DIRECTORY_PROPERTY, "target/bench-data")).toAbsolutePath();
    }

    /** A new, empty directory for one trial's files, under {@link #directory()}. */
    static Path trialDirectory(String prefix) {
        try {
            Path parent = Files.createDirectories(directory().resolve("trials"));
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory and everything in it. */
    static void delete(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
