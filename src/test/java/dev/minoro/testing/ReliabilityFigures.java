package dev.minoro.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the reliability suite writes what it measured: one Markdown table row per scenario and target in
 * {@code target/reliability/<scenario>--<target>.md}, replaced by each run. RELIABILITY.md's table is these rows,
 * sorted ({@code cat target/reliability/*.md}); its header is {@link #HEADER}.
 */
public final class ReliabilityFigures {

    /** The header of the table the rows belong to. */
    public static final String HEADER = "| scenario | target | parameters | measured |\n|---|---|---|---|";

    private ReliabilityFigures() {
    }

    /**
     * Writes (or replaces) the row of {@code scenario} on {@code target}, and prints it so that a test log shows it.
     * Pipes in the cells are escaped.
     */
    public static void record(String scenario, String target, String parameters, String measured) {
        String row = "| " + cell(scenario) + " | " + cell(target) + " | " + cell(parameters) + " | " + cell(measured)
                + " |\n";
        Path directory = Path.of(System.getProperty("basedir", "."), "target", "reliability");
        String file = (scenario + "--" + target).replaceAll("[^A-Za-z0-9._-]+", "-") + ".md";
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(file), row, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print("[reliability] " + row);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
