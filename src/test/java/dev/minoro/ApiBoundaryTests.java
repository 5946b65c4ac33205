package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public package reaches the implementation through one entry point only, {@code dev.minoro.internal.MinoroRuntime}:
 * no file of {@code dev.minoro} imports another class of {@code dev.minoro.internal}, and no compiled class of it
 * names one (a fully qualified name in the code would not show as an import).
 */
final class ApiBoundaryTests {

    private static final String ENTRY_POINT = "dev.minoro.internal.MinoroRuntime";

    private static final Pattern INTERNAL_IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(dev\\.minoro\\.internal\\.[\\w.*]+)\\s*;",
            Pattern.MULTILINE);

    /** A class name as the class file spells it, in its constant pool. */
    private static final Pattern INTERNAL_CLASS = Pattern.compile("dev/minoro/internal/[\\w/$]+");

    @Test
    void theApiImportsNothingOfTheImplementationButTheEntryPoint() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> entryPointUsers = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src", "main", "java", "dev", "minoro"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                Matcher imported = INTERNAL_IMPORT.matcher(Files.readString(file));
                while (imported.find()) {
                    if (imported.group(1).equals(ENTRY_POINT)) {
                        entryPointUsers.add(file.getFileName().toString());
                    } else {
                        problems.add(file.getFileName() + " imports " + imported.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), problems, "dev.minoro may import only " + ENTRY_POINT + " from dev.minoro.internal");
        assertTrue(entryPointUsers.contains("Minoro.java"), "the check read the sources: " + entryPointUsers);
    }

    @Test
    void theApisClassesNameNothingOfTheImplementationButTheEntryPoint() throws IOException, URISyntaxException {
        Path classes = Path.of(Minoro.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(Path.of("dev", "minoro"));
        List<String> problems = new ArrayList<>();
        Set<String> named = new TreeSet<>();
        try (Stream<Path> files = Files.list(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                Matcher name = INTERNAL_CLASS.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                while (name.find()) {
                    String type = name.group().replace('/', '.');
                    named.add(type);
                    if (!type.equals(ENTRY_POINT) && !type.startsWith(ENTRY_POINT + "$")) {
                        problems.add(file.getFileName() + " names " + type);
                    }
                }
            }
        }
        assertEquals(List.of(), problems, "dev.minoro may use only " + ENTRY_POINT + " of dev.minoro.internal");
        assertTrue(named.contains(ENTRY_POINT), "the check read the classes in " + classes + ": " + named);
    }
}
