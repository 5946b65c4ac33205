package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The library jar holds the library only: no demo, no program with a {@code main}, no test class or test
 * resource. maven-jar-plugin packs the compiled main classes and resources as they are, so this reads
 * them where the build put them (the class path entry of {@link Minoro}); after {@code package}, the build runs
 * {@link #thePublishedJarsHoldTheLibraryOnly()} again on the jars a release publishes (the library, its sources and
 * its Javadoc), named by the system property {@value #PUBLISHED_JARS}.
 */
final class JarContentsTests {

    /** The jars {@code mvn verify} made, comma-separated: library, sources, Javadoc (pom.xml, published-jars). */
    private static final String PUBLISHED_JARS = "minoro.test.publishedJars";

    /** Libraries of the tests only: a class of the jar that names one of them cannot run in an application. */
    private static final List<String> TEST_LIBRARIES = List.of("org/junit/", "reactor/test/", "reactor/blockhound/",
            "io/zonky/", "org/testcontainers/", "org/slf4j/simple/", "dev/minoro/testing/",
            "io/micrometer/observation/tck/");

    private static final Set<String> TEST_PACKAGE_NAMES = Set.of("demo", "test", "tests", "testing", "example",
            "examples");

    @Test
    void theJarHoldsNoProgramNoDemoAndNoTestClass() throws IOException, ClassNotFoundException {
        Path classes = mainClasses();
        assertEquals(List.of(), problems(classes), "the library jar (" + classes + ") must hold the library only");
    }

    /**
     * The jars themselves, as a release publishes them: the library jar passes the same checks as the classes it
     * packs; the sources jar holds main sources only (no test, demo or example source); the Javadoc jar documents
     * the exported packages only. Runs in the build's {@code published-jars} execution, after {@code package}.
     */
    @Test
    @EnabledIfSystemProperty(named = PUBLISHED_JARS, matches = ".+")
    void thePublishedJarsHoldTheLibraryOnly() throws IOException, ClassNotFoundException {
        List<Path> jars = Arrays.stream(System.getProperty(PUBLISHED_JARS).split(",")).map(Path::of).toList();
        assertEquals(3, jars.size(), jars.toString());
        try (FileSystem library = FileSystems.newFileSystem(jars.get(0));
                FileSystem sources = FileSystems.newFileSystem(jars.get(1));
                FileSystem javadoc = FileSystems.newFileSystem(jars.get(2))) {
            Path root = library.getPath("/");
            assertEquals(List.of(), problems(root), "the library jar " + jars.get(0) + " must hold the library only");

            List<String> problems = new ArrayList<>();
            List<String> sourceFiles = entries(sources.getPath("/"));
            assertTrue(sourceFiles.contains("dev/minoro/Minoro.java"), "read the wrong jar: " + jars.get(1));
            for (String name : sourceFiles) {
                if (name.endsWith(".java") && !name.equals("module-info.java")) {
                    checkName(name.substring(0, name.length() - ".java".length()), name, problems);
                }
            }
            // The Javadoc of a module keeps its packages' pages below a folder named after the module.
            List<String> pages = entries(javadoc.getPath("/dev.minoro"));
            assertTrue(pages.contains("dev/minoro/Minoro.html"), "read the wrong jar: " + jars.get(2));
            for (String page : pages) {
                if (page.startsWith("dev/minoro/internal/") || page.startsWith("dev/minoro/sqlite/internal/")) {
                    problems.add(page + ": Javadoc of an internal package");
                } else if (page.endsWith(".html") && page.startsWith("dev/")) {
                    checkName(page.substring(0, page.length() - ".html".length()), page, problems);
                }
            }
            assertEquals(List.of(), problems, "the sources and Javadoc jars must hold the library only");
        }
    }

    /** Every file below {@code root}, as a relative name with {@code /}. */
    private static List<String> entries(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    /** What is wrong with the class named {@code path} (slashes, no extension) of the file {@code name}. */
    private static void checkName(String path, String name, List<String> problems) {
        String simpleName = path.substring(path.lastIndexOf('/') + 1);
        String packageName = path.substring(0, Math.max(0, path.lastIndexOf('/')));
        for (String segment : packageName.split("/")) {
            if (TEST_PACKAGE_NAMES.contains(segment.toLowerCase(Locale.ROOT))) {
                problems.add(name + ": in a package of demos or tests");
            }
        }
        if (simpleName.matches(".*(Test|Tests|IT|Demo)([$.].*)?")) {
            problems.add(name + ": named as a test or a demo");
        }
    }

    /** What is wrong with the class files and resources below {@code classes}: a directory, or a jar's root. */
    private List<String> problems(Path classes) throws IOException, ClassNotFoundException {
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
            checkName(name.substring(0, name.length() - ".class".length()), name, problems);
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
        assertTrue(files.stream().anyMatch(f -> classes.relativize(f).toString().replace('\\', '/')
                .equals("dev/minoro/Minoro.class")), "read the wrong place: " + classes);
        return problems;
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
