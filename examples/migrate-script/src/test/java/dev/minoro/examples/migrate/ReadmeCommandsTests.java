package dev.minoro.examples.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands of this example's README, run as a new user runs them: each line of its {@code sh} blocks,
 * as written, by {@code bash} in a copy of this project, with real Maven and real JVMs. The copy's
 * {@code .mvn/maven.config} points Maven at this build's local repository and settings (the library is
 * there, installed by the root build or by the user), which is all that differs from a user's shell.
 */
final class ReadmeCommandsTests {

    private static final long COMMAND_TIMEOUT_SECONDS = 300;

    @TempDir
    Path directory;

    /** What one command printed and returned. */
    private record Run(String command, int exitCode, String output) {
    }

    @Test
    void theStatusCommandOnlyReadsAndTheMigrateCommandMigrates() throws Exception {
        List<String> commands = readmeCommands();
        String status = only(commands, c -> c.contains("exec:java") && c.contains("MigrationStatus"));
        String migrate = only(commands, c -> c.contains("exec:java") && !c.contains("MigrationStatus"));
        String packageJar = only(commands, c -> c.startsWith("mvn ") && c.contains(" package"));
        String jarStatus = only(commands, c -> c.contains("java -cp ") && c.contains("MigrationStatus"));
        String jarMigrate = only(commands, c -> c.contains("java -jar "));
        assertEquals(5, commands.size(), "a command of the README that this test does not run: " + commands);

        Path project = copyOfThisProject();
        Path database = project.resolve("app.db");

        Run before = run(project, status);
        assertEquals(4, before.exitCode(), "the status of an empty database is 'pending' (4): " + before);
        assertTrue(before.output().contains("pending 1 create_schema"), before.toString());
        assertFalse(before.output().contains("applied 1 create_schema"), "the status command migrated: " + before);
        assertFalse(Files.exists(database), "the status command created the database: " + before);

        Run migrated = run(project, migrate);
        assertEquals(0, migrated.exitCode(), migrated.toString());
        assertTrue(migrated.output().contains("applied 1 create_schema"), migrated.toString());

        Run after = run(project, status);
        assertEquals(0, after.exitCode(), after.toString());
        assertTrue(after.output().contains("Up to date"), after.toString());

        Files.delete(database);
        Run packaged = run(project, packageJar);
        assertEquals(0, packaged.exitCode(), packaged.toString());
        Run jarBefore = run(project, jarStatus);
        assertEquals(4, jarBefore.exitCode(), jarBefore.toString());
        assertFalse(Files.exists(database), "the status jar created the database: " + jarBefore);
        Run jarMigrated = run(project, jarMigrate);
        assertEquals(0, jarMigrated.exitCode(), jarMigrated.toString());
        assertTrue(jarMigrated.output().contains("applied 1 create_schema"), jarMigrated.toString());
    }

    /** Every line of the README's {@code sh} blocks that is not a comment. */
    private static List<String> readmeCommands() throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inShell = false;
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("```")) {
                inShell = !inShell && line.equals("```sh");
            } else if (inShell && !line.isBlank() && !line.strip().startsWith("#")) {
                commands.add(line.strip());
            }
        }
        return commands;
    }

    private static String only(List<String> commands, Predicate<String> which) {
        List<String> found = commands.stream().filter(which).toList();
        assertEquals(1, found.size(), "expected one such command in the README: " + commands);
        return found.get(0);
    }

    /** This project's pom and main sources in a new directory, with Maven pointed at this build's repositories. */
    private Path copyOfThisProject() throws IOException {
        Path project = directory.resolve("migrate-script");
        Path here = Path.of("").toAbsolutePath();
        Files.createDirectories(project);
        Files.copy(here.resolve("pom.xml"), project.resolve("pom.xml"));
        try (Stream<Path> sources = Files.walk(here.resolve("src/main"))) {
            for (Path source : sources.toList()) {
                Path target = project.resolve(here.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        List<String> options = new ArrayList<>();
        options.add("-Dmaven.repo.local=" + requiredProperty("readme.maven.localRepository"));
        String settings = System.getProperty("readme.maven.settings", "");
        if (!settings.isBlank() && !settings.startsWith("${") && Files.isRegularFile(Path.of(settings))) {
            options.add("-s");
            options.add(settings);
        }
        for (String option : options) {
            assertFalse(option.chars().anyMatch(Character::isWhitespace), "Maven 3.8 splits .mvn/maven.config"
                    + " at white space: " + option);
        }
        Files.createDirectories(project.resolve(".mvn"));
        Files.write(project.resolve(".mvn/maven.config"), options);
        return project;
    }

    private Run run(Path project, String command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(directory, "command", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("MINORO_") || name.equals("MAVEN_ARGS"));
        // The README's mvn and java are this build's Maven and JDK.
        env.put("PATH", Path.of(requiredProperty("readme.maven.home"), "bin") + ":"
                + Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError("'" + command + "' did not end within " + COMMAND_TIMEOUT_SECONDS + " s:\n"
                    + Files.readString(output));
        }
        return new Run(command, process.exitValue(), Files.readString(output));
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("the build sets the system property " + name + " (run the tests with"
                    + " Maven, as the pom configures surefire); it is " + value);
        }
        return value;
    }
}
