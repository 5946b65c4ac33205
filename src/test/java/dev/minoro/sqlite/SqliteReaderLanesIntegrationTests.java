package dev.minoro.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minoro.testing.JavaProcess;
import dev.minoro.testing.ReaderLanesProbe;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The default number of reader lanes follows the processors the JVM may use, from 2 to 4, in child JVMs told how
 * many they have ({@code -XX:ActiveProcessorCount}, as a container's CPU limit would): for a factory built from a
 * configuration, a read-only one and one from a URL alike.
 */
final class SqliteReaderLanesIntegrationTests {

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0} processors: {1} reader lanes")
    @CsvSource({"1, 2", "2, 2", "3, 3", "4, 4", "8, 4"})
    void theDefaultFollowsTheProcessors(int processors, int lanes) throws Exception {
        JavaProcess probe = JavaProcess.builder(ReaderLanesProbe.class.getName())
                .jvmOptions("-XX:ActiveProcessorCount=" + processors)
                .arguments(directory.resolve("lanes.db").toString())
                .separateStandardError()
                .start(directory.resolve("probe-" + processors + ".log"));
        assertEquals(0, probe.waitFor(120), probe.output());
        assertEquals("default=" + lanes + " built=" + lanes + " readOnly=" + lanes + " url=" + lanes,
                probe.standardOutput().strip(), probe.output());
    }
}
