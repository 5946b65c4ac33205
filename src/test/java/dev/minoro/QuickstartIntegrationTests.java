package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.CloseThenListThreadsProcess;
import dev.minoro.testing.JavaProcess;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quickstart as a reader pastes it: the Java block under "Quickstart" is compiled as it
 * stands in README.md, then run twice in an empty working directory, as separate programs.
 */
final class QuickstartIntegrationTests {

    private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");

    @TempDir
    Path directory;

    @Test
    void theQuickstartCompilesAndRunsTwice() throws Exception {
        String source = quickstartBlock();
        assertTrue(source.matches("(?s).*\\btry \\{.*} finally \\{\\s*minoro\\.close\\(\\)\\.block\\(\\);.*"),
                "the quickstart closes Minoro however its work ends:\n" + source);
        Matcher name = CLASS_NAME.matcher(source);
        assertTrue(name.find(), "the quickstart is a complete class:\n" + source);
        Path classes = compile(name.group(1), source);

        Path work = Files.createDirectories(directory.resolve("work"));
        List<Path> classPath = new ArrayList<>(JavaProcess.testClassPath());
        classPath.add(0, classes);
        for (int run = 1; run <= 2; run++) {
            // the second run lists, once the quickstart's main has returned, the threads that would keep the JVM
            // alive: none, so the program ends at once (it never calls System.exit)
            boolean listThreads = run == 2;
            JavaProcess quickstart = JavaProcess.builder(listThreads ? CloseThenListThreadsProcess.class.getName()
                            : name.group(1))
                    .arguments(listThreads ? new String[] {"main", name.group(1)} : new String[0])
                    .classPath(classPath)
                    .directory(work)
                    .separateStandardError()
                    .start(directory.resolve("run-" + run + ".out"));
            assertEquals(0, quickstart.waitFor(180), "run " + run + ":\n" + quickstart.output());
            assertEquals("alice@example.com may write posts: true" + (listThreads ? "\nnon-daemon threads: []" : ""),
                    quickstart.standardOutput().strip(), "run " + run + ":\n" + quickstart.output());
        }
        assertTrue(Files.exists(work.resolve("quickstart.db")), "the database is in the working directory");
    }

    /** The first Java block after the heading "## Quickstart" in README.md. */
    private static String quickstartBlock() throws IOException {
        Path readme = Path.of("README.md").toAbsolutePath();
        String text = Files.readString(readme);
        int heading = text.indexOf("\n## Quickstart\n");
        assertTrue(heading >= 0, "no '## Quickstart' in " + readme);
        int open = text.indexOf("```java\n", heading);
        int close = text.indexOf("\n```\n", open);
        assertTrue(open >= 0 && close > open, "no Java block under '## Quickstart' in " + readme);
        return text.substring(open + "```java\n".length(), close + 1);
    }

    private Path compile(String className, String source) throws IOException {
        Path sources = Files.createDirectories(directory.resolve("src"));
        Path classes = Files.createDirectories(directory.resolve("classes"));
        Path file = Files.writeString(sources.resolve(className + ".java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        String classPath = String.join(File.pathSeparator,
                JavaProcess.testClassPath().stream().map(Path::toString).toList());
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("--release", "17", "-Xlint:all", "-Werror", "-proc:none", "-classpath", classPath,
                        "-d", classes.toString()),
                null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile())).call();
        assertTrue(compiled, "the README's quickstart does not compile:\n" + diagnostics + "\n" + source);
        return classes;
    }
}
