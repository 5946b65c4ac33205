package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.BootProcess;
import dev.minoro.testing.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Minoro boots whatever the JVM's default locale: nothing it reads or writes (a script's resource name, SQL, an
 * option) is made with the default locale's digits or case rules. Under Arabic (Egypt), Persian and Thai (with
 * Thai digits) default locales, {@code String.format("%04d", 1)} writes {@code ٠٠٠١}, {@code ۰۰۰۱} and
 * {@code ๐๐๐๑}; under Turkish, {@code "I".toLowerCase()} is {@code ı}. In fresh JVMs started with each locale, a
 * boot on a new SQLite file (every migration applied) and a second boot of that file (the up-to-date path) both
 * succeed.
 */
final class DefaultLocaleIntegrationTests {

    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0}-{1}-{2}")
    @CsvSource({"ar, EG, ''", "fa, IR, ''", "th, TH, TH", "hi, IN, ''", "tr, TR, ''"})
    void minoroBootsUnderTheDefaultLocale(String language, String country, String variant) throws Exception {
        Path file = directory.resolve(language + ".db");
        Path go = Files.createFile(directory.resolve(language + ".go"));
        for (String boot : new String[] {"first", "second"}) {
            Path log = directory.resolve(language + "-" + boot + ".log");
            JavaProcess process = JavaProcess.builder(BootProcess.class.getName())
                    .jvmOptions("-Duser.language=" + language, "-Duser.country=" + country,
                            "-Duser.variant=" + variant)
                    .arguments("SQLITE", "file:" + file, go.toString())
                    .start(log);
            String where = language + "_" + country + " " + boot + " boot";
            assertEquals(0, process.waitFor(TIMEOUT_SECONDS), where + ": " + process.output());
            assertTrue(process.output().contains("ready users=0"), where + ": " + process.output());
        }
    }
}
