package dev.minoro.examples.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The programs as a pipeline runs them: separate JVMs whose exit codes and output are all there is. */
final class MigrateDatabaseProcessTests {

    @TempDir
    Path directory;

    private record Result(int exitCode, String output) {
    }

    private Result java(Class<?> main, Map<String, String> env) throws Exception {
        Path output = directory.resolve(main.getSimpleName() + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), main.getName()))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("MINORO_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(main.getSimpleName() + " did not end within 60 s:\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }

    @Test
    void aPipelineMigratesThenSeesTheSchemaUpToDate() throws Exception {
        Map<String, String> env = Map.of("MINORO_DATABASE_TYPE", "sqlite",
                "MINORO_DATABASE_URL", "file:" + directory.resolve("deploy.db"));
        Result migrated = java(MigrateDatabase.class, env);
        assertEquals(0, migrated.exitCode(), migrated.output());
        assertTrue(migrated.output().contains("applied 1 create_schema"), migrated.output());

        Result status = java(MigrationStatus.class, env);
        assertEquals(0, status.exitCode(), status.output());
        assertTrue(status.output().contains("Up to date"), status.output());
    }

    @Test
    void aMissingSettingExitsNonZeroWithAClearMessage() throws Exception {
        Result result = java(MigrateDatabase.class, Map.of());
        assertEquals(2, result.exitCode(), result.output());
        assertTrue(result.output().contains("migrate-database: failed (ConfigurationException): MINORO_DATABASE_TYPE is not set"),
                result.output());
    }
}
