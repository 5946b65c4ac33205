package dev.minoro.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The migrations Minoro ships, as its manifest lists them: for tests that must not hard-code the newest version. */
public final class ShippedMigrations {

    private ShippedMigrations() {
    }

    /** The names of the shipped versions 1, 2, …, in order. */
    public static List<String> names() {
        try (InputStream in = ShippedMigrations.class.getResourceAsStream("/dev/minoro/migrations/manifest.txt")) {
            if (in == null) {
                throw new IllegalStateException("no dev/minoro/migrations/manifest.txt on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> line.split("\\s+")[1])
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest shipped version. */
    public static int latestVersion() {
        return names().size();
    }
}
