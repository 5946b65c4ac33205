package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library jar holds the library only: no demo, no program with a {@code main}, no test class or test
 * resource. maven-jar-plugin packs the compiled main classes and resources as they are, so this reads
 * them where the build put them (the class path entry of {@link Minoro}).
 */
final class JarContentsTests {

    /** Libraries of the tests only: a class of the jar that names one of them cannot run in an application. */
    private static final List<String> TEST_LIBRARIES = List.of("org/junit/", "reactor/test/", "reactor/blockhound/",
            "io/zonky/", "org/testcontainers/", "org/slf4j/simple/", "dev/minoro/testing/");

    private static final Set<String> TEST_PACKAGE_NAMES = Set.of("demo", "test", "tests", "testing", "example",
            "examples");

    @Test
    void theJarHoldsNoProgramNoDemoAndNoTestClass() throws IOException, ClassNotFoundException {
        Path classes = mainClasses();
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = classes.relativize(file).toString().replace('\\', '/');
            if (!name.endsWith(".class") || name.equals("module-info.class")) {
                // the module descriptor is no class: ModuleDescriptorTests reads it
                continue;
            }
            String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
            String simpleName = className.substring(className.lastIndexOf('.') + 1);
            String packageName = className.substring(0, Math.max(0, className.lastIndexOf('.')));
            for (String segment : packageName.split("\\.")) {
                if (TEST_PACKAGE_NAMES.contains(segment.toLowerCase(Locale.ROOT))) {
                    problems.add(name + ": in a package of demos or tests");
                }
            }
            if (simpleName.matches(".*(Test|Tests|IT|Demo)(\\$.*)?")) {
                problems.add(name + ": named as a test or a demo");
            }
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String library : TEST_LIBRARIES) {
                if (bytes.contains(library)) {
                    problems.add(name + ": uses " + library + ", a library of the tests");
                }
            }
            if (!simpleName.contains("$") && hasMain(Class.forName(className, false, getClass().getClassLoader()))) {
                problems.add(name + ": a program (public static void main)");
            }
        }
        for (String resource : List.of("simplelogger.properties", "junit-platform.properties", "logback.xml",
                "logback-test.xml", "META-INF/services/org.junit.platform.launcher.LauncherSessionListener",
                "META-INF/services/reactor.blockhound.integration.BlockHoundIntegration")) {
            if (Files.exists(classes.resolve(resource))) {
                problems.add(resource + ": a resource of the tests");
            }
        }
        assertTrue(files.stream().anyMatch(f -> f.endsWith(Path.of("dev", "minoro", "Minoro.class"))),
                "read the wrong directory: " + classes);
        assertEquals(List.of(), problems, "the library jar (" + classes + ") must hold the library only");
    }

    private static boolean hasMain(Class<?> type) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals("main") && Modifier.isStatic(method.getModifiers())
                    && method.getParameterCount() == 1 && method.getParameterTypes()[0] == String[].class) {
                return true;
            }
        }
        return false;
    }

    private static Path mainClasses() {
        try {
            Path location = Path.of(Minoro.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(location)) {
                throw new IllegalStateException("Minoro's classes come from " + location
                        + ", not from the build's output directory: run the tests through Maven");
            }
            return location;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
