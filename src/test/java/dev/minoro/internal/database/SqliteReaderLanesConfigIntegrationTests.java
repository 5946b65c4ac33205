package dev.minoro.internal.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.sqlite.SqliteConnectionConfiguration;
import dev.minoro.sqlite.SqliteConnectionFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code DatabaseConfig.withReaderLanes} reaches the SQLite driver of the database Minoro opens, to run and to read,
 * and reads run on the lanes it set.
 */
final class SqliteReaderLanesConfigIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private static int readerLanes(Mono<Database> opening, Function<Database, Mono<?>> work) {
        return Mono.usingWhen(opening, database -> {
            SqliteConnectionFactory factory = (SqliteConnectionFactory) database.connections();
            return work.apply(database).then(Mono.fromSupplier(() -> factory.metrics().readers().maxAllocatedSize()));
        }, Database::close).block(TIMEOUT);
    }

    /** 32 reads at once, each on a reader lane once the first is open. */
    private static Mono<?> concurrentReads(Database database) {
        return Flux.range(0, 32)
                .flatMap(i -> database.direct().query("SELECT ?", row -> row.get(0, Long.class), (long) i), 32)
                .count()
                .doOnNext(count -> assertEquals(32L, count));
    }

    @Test
    void theLanesSetAreTheDriversAndReadsRunOnThem() {
        DatabaseConfig file = DatabaseConfig.sqlite("file:" + directory.resolve("lanes.db"));
        assertEquals(SqliteConnectionConfiguration.defaultReaderLanes(),
                readerLanes(MinoroRuntime.open(file), SqliteReaderLanesConfigIntegrationTests::concurrentReads));
        for (int lanes : new int[] {1, 3, 6}) {
            assertEquals(lanes, readerLanes(MinoroRuntime.open(file.withReaderLanes(lanes)), database ->
                    concurrentReads(database).then(Mono.fromRunnable(() -> {
                        // lanes open as reads find the open ones taken: at least one, at most those set
                        int opened = ((SqliteConnectionFactory) database.connections()).metrics().readers()
                                .allocatedSize();
                        assertTrue(opened >= 1 && opened <= lanes, opened + " reader lanes open of " + lanes);
                    }))));
        }
        assertEquals(0, readerLanes(MinoroRuntime.open(file.withReaderLanes(0)),
                SqliteReaderLanesConfigIntegrationTests::concurrentReads), "every read on the writer lane");
    }

    @Test
    void openedToReadTheFileHasAtLeastOneReaderLane() {
        DatabaseConfig file = DatabaseConfig.sqlite("file:" + directory.resolve("read.db"));
        readerLanes(MinoroRuntime.open(file), SqliteReaderLanesConfigIntegrationTests::concurrentReads); // the file
        assertEquals(2, readerLanes(MinoroRuntime.openToRead(file.withReaderLanes(2)),
                SqliteReaderLanesConfigIntegrationTests::concurrentReads));
        assertEquals(1, readerLanes(MinoroRuntime.openToRead(file.withReaderLanes(0)),
                SqliteReaderLanesConfigIntegrationTests::concurrentReads), "a read-only factory has no writer lane");
        // a file that is not there is read as an empty in-memory database, on its single lane
        DatabaseConfig missing = DatabaseConfig.sqlite("file:" + directory.resolve("missing.db")).withReaderLanes(3);
        assertEquals(0, readerLanes(MinoroRuntime.openToRead(missing), database -> Mono.empty()));
    }
}
