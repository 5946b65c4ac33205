package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's table of loggers is the truth: every logger of the main sources with every level it
 * logs at has a row, and every row names a logger and level that the sources use.
 */
final class ReadmeLoggingTests {

    private static final Pattern LOGGER_FIELD = Pattern.compile(
            "Logger\\s+(\\w+)\\s*=\\s*LoggerFactory\\.getLogger\\((\\w+)\\.class\\)");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([\\w.]+)` \\| (TRACE|DEBUG|INFO|WARN|ERROR) \\|",
            Pattern.MULTILINE);

    @Test
    void theReadmeListsEveryLoggerAndLevelMinoroUses() throws IOException {
        Set<String> used = new TreeSet<>();
        Path sources = Path.of("src", "main", "java");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                assertFalse(text.contains("reactor.util.Logger"), file + " logs through Reactor's Loggers,"
                        + " whose fallback prints to stdout; use SLF4J");
                Matcher field = LOGGER_FIELD.matcher(text);
                while (field.find()) {
                    String packageName = sources.relativize(file.getParent()).toString().replace('/', '.');
                    String logger = packageName + "." + field.group(2);
                    Matcher call = Pattern.compile("\\b" + field.group(1) + "\\.(trace|debug|info|warn|error)\\(")
                            .matcher(text);
                    while (call.find()) {
                        used.add(logger + " " + call.group(1).toUpperCase(Locale.ROOT));
                    }
                }
            }
        }

        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("\n## Logging\n"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        Set<String> documented = new TreeSet<>();
        Matcher row = TABLE_ROW.matcher(section);
        while (row.find()) {
            documented.add(row.group(1) + " " + row.group(2));
        }
        assertEquals(used, documented, "the README's '## Logging' table and the loggers of src/main/java differ");
    }
}
