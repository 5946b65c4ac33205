package dev.minoro.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a {@code main} class of the test classpath in a JVM of its own, for tests where separate
 * processes are the point (concurrent boots, a process killed mid-boot). The child runs under
 * BlockHound's JVM flag and writes its output to a file.
 */
public final class JavaProcess {

    private final Process process;
    private final Path output;

    private JavaProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code main} with {@code args}; stdout and stderr go to {@code output}. */
    public static JavaProcess start(Class<?> main, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+AllowRedefinitionToAddDeleteMethods");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        return new JavaProcess(process, output);
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

    /** What the process printed so far. */
    public String output() {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
