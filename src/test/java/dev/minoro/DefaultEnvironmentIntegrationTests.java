package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.EnvironmentProcess;
import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.PostgresMigrationDatabases;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Minoro works the same whatever the JVM's default locale, time zone and charset: nothing it reads or writes (a
 * script's resource name, SQL, a timestamp, a password's bytes, a token) is made with the defaults. Under Arabic
 * (Egypt), Persian and Thai (with Thai digits) default locales, {@code String.format("%04d", 1)} writes {@code ٠٠٠١},
 * {@code ۰۰۰۱} and {@code ๐๐๐๑} (Minoro could not boot under them: it looked for its first script under such a name);
 * under Turkish, {@code "I".toLowerCase()} is {@code ı}; under US-ASCII, a non-ASCII password's default-charset bytes
 * are question marks. In fresh JVMs started with each environment, on a SQLite file, PostgreSQL and a libSQL server: a
 * boot that migrates a new database and writes a user with non-ASCII text and password and a session; a second boot
 * there (the up-to-date path) that reads them back and logs in; and a third under en-US, UTC and UTF-8 that does the
 * same, so that what one environment wrote is what another reads.
 */
final class DefaultEnvironmentIntegrationTests {

    private static final long TIMEOUT_SECONDS = 180;

    @RegisterExtension
    static final PostgresMigrationDatabases POSTGRES = PostgresMigrationDatabases.direct();

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0} {1}-{2}-{3}, {4}, {5}")
    @CsvSource({
        "SQLITE, ar, EG, '', Asia/Kathmandu, UTF-8",
        "SQLITE, fa, IR, '', Pacific/Kiritimati, UTF-8",
        "SQLITE, th, TH, TH, America/St_Johns, UTF-8",
        "SQLITE, tr, TR, '', Pacific/Pago_Pago, US-ASCII",
        "SQLITE, hi, IN, '', Europe/Berlin, ISO-8859-1",
        "POSTGRES, ar, EG, '', Asia/Kathmandu, UTF-8",
        "POSTGRES, th, TH, TH, Pacific/Kiritimati, UTF-8",
        "POSTGRES, tr, TR, '', America/St_Johns, US-ASCII",
        "LIBSQL, th, TH, TH, Asia/Kathmandu, UTF-8",
        "LIBSQL, tr, TR, '', Pacific/Pago_Pago, US-ASCII"})
    void minoroWorksTheSameUnderTheDefaults(String target, String language, String country, String variant,
            String timeZone, String charset) throws Exception {
        if (target.equals("LIBSQL")) {
            try (LibsqlDatabase libsql = LibsqlServer.database()) {
                runUnder(DatabaseType.SQLITE, libsql.url(), language, country, variant, timeZone, charset);
            }
        } else if (target.equals("SQLITE")) {
            runUnder(DatabaseType.SQLITE, "file:" + directory.resolve("environment.db"), language, country, variant,
                    timeZone, charset);
        } else {
            runUnder(DatabaseType.POSTGRES, POSTGRES.config(POSTGRES.database()).connection(), language, country,
                    variant, timeZone, charset);
        }
    }

    private void runUnder(DatabaseType type, String connection, String language, String country, String variant,
            String timeZone, String charset) throws Exception {
        Path token = directory.resolve("token");
        List<String> environment = List.of("-Duser.language=" + language, "-Duser.country=" + country,
                "-Duser.variant=" + variant, "-Duser.timezone=" + timeZone, "-Dfile.encoding=" + charset);
        List<String> neutral = List.of("-Duser.language=en", "-Duser.country=US", "-Duser.timezone=UTC",
                "-Dfile.encoding=UTF-8");
        List<Run> runs = List.of(new Run("write", "this", environment), new Run("read", "this", environment),
                new Run("read", "neutral", neutral));
        for (Run run : runs) {
            JavaProcess process = JavaProcess.builder(EnvironmentProcess.class.getName())
                    .jvmOptions(run.options().toArray(String[]::new))
                    .arguments(type.name(), connection, token.toString(), run.step())
                    .start(directory.resolve(run.step() + "-" + run.environment() + ".log"));
            String where = run.step() + " under " + run.options();
            assertEquals(0, process.waitFor(TIMEOUT_SECONDS), where + ": " + process.output());
            assertTrue(process.output().contains("environment ok"), where + ": " + process.output());
        }
    }

    /** One child JVM: {@code step} ("write" or "read") under the JVM {@code options} of the named environment. */
    private record Run(String step, String environment, List<String> options) {
    }
}
