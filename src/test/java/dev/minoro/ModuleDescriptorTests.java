package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module descriptor the jar ships: module {@code dev.minoro} exports the API, the two R2DBC drivers and the
 * Spring integration, and nothing of {@code dev.minoro.internal}; it provides the drivers to R2DBC's service
 * loader as {@code META-INF/services} does on the class path; optional integrations are {@code requires static}.
 * It reads the descriptor where the build put it (the class path entry of {@link Minoro}), as
 * {@link JarContentsTests} does.
 */
final class ModuleDescriptorTests {

    private static final String CLASSPATH_FILE = "minoro.test.runtimeClasspathFile";

    /** The jars of the modules Minoro requires, and of what those require in turn. */
    private static final List<String> REQUIRED_JARS = List.of("/reactor-core-", "/reactive-streams-", "/r2dbc-spi-",
            "/r2dbc-pool-", "/reactor-pool-", "/reactor-netty-core-", "/netty-", "/r2dbc-postgresql-", "/scram-",
            "/stringprep-", "/saslprep-", "/sqlite-jdbc-", "/bcprov-", "/jackson-core-", "/jspecify-", "/slf4j-api-");

    private static final Set<String> EXPORTED = Set.of("dev.minoro", "dev.minoro.sqlite", "dev.minoro.libsql",
            "dev.minoro.spring", "dev.minoro.spring.boot", "dev.minoro.spring.session", "dev.minoro.vertx");

    @Test
    void exportsTheApiTheDriversAndTheIntegrationsOnly() throws IOException {
        ModuleDescriptor module = descriptor();
        assertEquals("dev.minoro", module.name());
        Set<String> exported = module.exports().stream()
                .peek(export -> assertTrue(export.targets().isEmpty(), "a qualified export: " + export))
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(EXPORTED), exported);
        assertEquals(Set.of(), module.opens(), "no package is open to reflection");
        assertTrue(!module.isOpen(), "the module is not open");
    }

    /** Every package of the jar other than the exported ones is an implementation package. */
    @Test
    void everyOtherPackageIsInternal() throws IOException {
        ModuleDescriptor module = descriptor();
        assertTrue(module.packages().containsAll(EXPORTED), "packages: " + module.packages());
        assertTrue(module.packages().contains("dev.minoro.internal.database"), "packages: " + module.packages());
        for (String name : module.packages()) {
            if (!EXPORTED.contains(name)) {
                assertTrue(name.startsWith("dev.minoro.internal") || name.startsWith("dev.minoro.migrations")
                        || name.startsWith("dev.minoro.sqlite.internal"), name + " is neither exported nor internal");
            }
        }
    }

    @Test
    void providesTheDriversAsTheServiceFileDoes() throws IOException {
        List<String> serviceFile = Files.readAllLines(mainClasses().resolve(
                "META-INF/services/io.r2dbc.spi.ConnectionFactoryProvider"), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        Map<String, List<String>> provided = descriptor().provides().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Provides::service, ModuleDescriptor.Provides::providers));
        assertEquals(Map.of("io.r2dbc.spi.ConnectionFactoryProvider", serviceFile), provided);
        assertEquals(List.of("dev.minoro.sqlite.SqliteConnectionFactoryProvider",
                "dev.minoro.libsql.LibsqlConnectionFactoryProvider"), serviceFile);
    }

    /**
     * Spring Security, Spring Boot and Vert.x are optional: an application without them on the module path still
     * resolves Minoro.
     */
    @Test
    void theIntegrationsFrameworksAreOptionalRequirements() throws IOException {
        ModuleDescriptor.Requires spring = descriptor().requires().stream()
                .filter(r -> r.name().equals("spring.security.core")).findFirst()
                .orElseThrow(() -> new AssertionError("no requires spring.security.core"));
        assertTrue(spring.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC), spring.toString());
        for (ModuleDescriptor.Requires required : descriptor().requires()) {
            if (required.name().startsWith("spring.") || required.name().startsWith("io.vertx.")) {
                assertTrue(required.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC), required.toString());
            }
        }
    }

    /**
     * On the module path, with the dependencies an application gets and no others, module {@code dev.minoro}
     * resolves, keeps {@code dev.minoro.internal} to itself, and migrates a SQLite file: its scripts are found
     * inside the module and its driver and sqlite-jdbc load there.
     */
    @Test
    void resolvesAndMigratesASqliteFileOnTheModulePath(@TempDir Path directory) throws Exception {
        List<Path> modulePath = new ArrayList<>();
        modulePath.add(mainClasses());
        String classpathFile = System.getProperty(CLASSPATH_FILE);
        assertNotNull(classpathFile, "run through Maven: " + CLASSPATH_FILE + " names the runtime class path");
        for (String entry : Files.readString(Path.of(classpathFile), StandardCharsets.UTF_8).strip()
                .split(File.pathSeparator)) {
            // only the modules Minoro requires, so that the jars' own automatic-module quirks stay out of it
            if (REQUIRED_JARS.stream().anyMatch(entry::contains)) {
                modulePath.add(Path.of(entry));
            }
        }
        ModuleFinder finder = ModuleFinder.of(modulePath.toArray(Path[]::new));
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of("dev.minoro"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration,
                ClassLoader.getPlatformClassLoader());
        Module minoro = layer.findModule("dev.minoro").orElseThrow();
        assertTrue(minoro.isExported("dev.minoro"));
        assertTrue(!minoro.isExported("dev.minoro.internal"), "dev.minoro.internal is exported");
        assertTrue(!minoro.isExported("dev.minoro.internal.database"), "dev.minoro.internal.database is exported");

        ClassLoader loader = layer.findLoader("dev.minoro");
        Class<?> databaseConfig = Class.forName("dev.minoro.DatabaseConfig", true, loader);
        assertEquals(minoro, databaseConfig.getModule());
        Object config = databaseConfig.getMethod("sqlite", String.class)
                .invoke(null, "file:" + directory.resolve("module.db"));
        Object migrating = Class.forName("dev.minoro.Minoro", true, loader)
                .getMethod("migrateDatabase", databaseConfig).invoke(null, config);
        Object report = migrating.getClass().getMethod("block", Duration.class).invoke(migrating, Duration.ofSeconds(60));
        Object toVersion = report.getClass().getMethod("toVersion").invoke(report);
        assertTrue((Integer) toVersion >= 1, "migrated to version " + toVersion);
    }

    private static ModuleDescriptor descriptor() throws IOException {
        Path file = mainClasses().resolve("module-info.class");
        assertTrue(Files.exists(file), "no module descriptor in " + mainClasses());
        Set<String> packages;
        try (Stream<Path> walk = Files.walk(mainClasses())) {
            packages = walk.filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class"))
                    .map(f -> mainClasses().relativize(f.getParent()).toString().replace('\\', '/').replace('/', '.'))
                    .collect(Collectors.toSet());
        }
        try (InputStream in = Files.newInputStream(file)) {
            // the packages the descriptor was compiled with; the class files found must be among them
            ModuleDescriptor descriptor = ModuleDescriptor.read(in, () -> packages);
            assertTrue(descriptor.packages().containsAll(packages), descriptor.packages() + " vs " + packages);
            return descriptor;
        }
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
