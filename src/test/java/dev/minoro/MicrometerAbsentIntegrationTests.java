package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.StandardOutputProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer is an optional dependency: an application that configures no registry runs Minoro without it, and
 * one that has it on the class path but configures no registry pays for no Micrometer class. Each test runs a child
 * JVM on the class path an application gets from Minoro, through everything {@link StandardOutputProbe} does on
 * SQLite and PostgreSQL (boot, migrations, migration status, users, roles, every kind of login, close).
 */
@ExtendWith(PostgresServer.class)
final class MicrometerAbsentIntegrationTests {

    @TempDir
    Path directory;

    @Test
    void minoroRunsWithoutMicrometerOnTheClassPath(PostgresDatabase postgres) throws Exception {
        List<Path> full = JavaProcess.applicationClassPath();
        List<Path> withoutMicrometer = full.stream().filter(entry -> !isMicrometer(entry)).toList();
        assertTrue(full.size() - withoutMicrometer.size() >= 3,
                "micrometer-core, -observation and -commons are Minoro's optional dependencies: " + full);

        JavaProcess probe = JavaProcess.builder(StandardOutputProbe.class.getName())
                .classPath(withoutMicrometer)
                .arguments("file:" + directory.resolve("probe.db"), postgres.url())
                .start(directory.resolve("probe.out"));

        assertEquals(0, probe.waitFor(180), probe.output());
        assertTrue(probe.output().contains("probe done"), probe.output());
        assertFalse(probe.output().contains("micrometer"), probe.output());
    }

    @Test
    void minoroLoadsNoMicrometerClassUnlessARegistryIsConfigured(PostgresDatabase postgres) throws Exception {
        List<Path> full = JavaProcess.applicationClassPath();
        assertTrue(full.stream().anyMatch(MicrometerAbsentIntegrationTests::isMicrometer), full.toString());
        Path classLog = directory.resolve("classes.log");

        JavaProcess probe = JavaProcess.builder(StandardOutputProbe.class.getName())
                .classPath(full)
                .jvmOptions("-Xlog:class+load=info:file=" + classLog)
                .arguments("file:" + directory.resolve("probe.db"), postgres.url())
                .start(directory.resolve("probe.out"));

        assertEquals(0, probe.waitFor(180), probe.output());
        assertTrue(probe.output().contains("probe done"), probe.output());
        List<String> loaded = Files.readAllLines(classLog);
        assertTrue(loaded.stream().anyMatch(line -> line.contains(" dev.minoro.internal.auth.Authenticator ")),
                "the log lists the classes loaded: " + loaded.size() + " lines");
        assertEquals(List.of(), loaded.stream().filter(line -> line.contains(" io.micrometer.")
                || line.contains(" dev.minoro.internal.metrics.Micrometer")).toList());
    }

    private static boolean isMicrometer(Path entry) {
        return entry.getFileName().toString().startsWith("micrometer-");
    }
}
