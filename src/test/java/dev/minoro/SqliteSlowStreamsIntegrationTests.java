package dev.minoro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.minoro.testing.HeldStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * Streams of rows read slowly hold their reader lanes (SQLite reads them in batches, on one read transaction
 * each): with as many of them open as there are lanes, a lookup waits behind them until the busy timeout; with
 * {@link DatabaseConfig#withReaderLanes} set above their number, it runs at once. A stream read slowly never holds
 * up writes, also when it is the first read after the boot, which runs on the writer lane's connection.
 */
final class SqliteSlowStreamsIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** More roles than one batch of rows, so that a stream taking one role keeps its statement open. */
    private static final int ROLES = 300;
    private static final int STREAMS = 2;

    @TempDir
    Path directory;

    /** With {@link #STREAMS} streams held open, finds a user; what the lookup emitted or signalled. */
    private Object lookUpBehindSlowStreams(DatabaseConfig database) throws Exception {
        Minoro minoro = Minoro.create(MinoroConfig.of(database)).block(TIMEOUT);
        List<HeldStream<Role>> streams = new ArrayList<>();
        try {
            User user = minoro.users().create(NewUser.of("reader@example.com", null)).block(TIMEOUT);
            Flux.range(0, ROLES).concatMap(i -> minoro.roles().create("role-" + i, null)).blockLast(TIMEOUT);
            // reads at once, so that reader lanes are open and the streams do not take the idle writer lane
            Flux.range(0, 8).flatMap(i -> minoro.users().findById(user.id()), 8).blockLast(TIMEOUT);
            for (int i = 0; i < STREAMS; i++) {
                HeldStream<Role> stream = new HeldStream<>();
                minoro.roles().findAll().subscribe(stream);
                stream.awaitFirst(TIMEOUT);
                streams.add(stream);
            }
            try {
                return minoro.users().findByEmail("reader@example.com").map(User::email).block(TIMEOUT);
            } catch (RuntimeException e) {
                return e;
            }
        } finally {
            streams.forEach(HeldStream::dispose);
            minoro.close().block(TIMEOUT);
        }
    }

    @Test
    void aLookupWaitsBehindAsManySlowStreamsAsLanes() throws Exception {
        Object outcome = lookUpBehindSlowStreams(DatabaseConfig.sqlite("file:" + directory.resolve("two.db"))
                .withReaderLanes(STREAMS).withBusyTimeout(Duration.ofSeconds(1)));
        DatabaseException timedOut = assertInstanceOf(DatabaseException.class, outcome);
        assertTrue(String.valueOf(timedOut.getMessage()).contains("for a reader lane")
                && timedOut.getMessage().contains("held longer than the busy timeout of 1000 ms"),
                timedOut.getMessage());
    }

    @Test
    void aLaneMoreThanTheSlowStreamsLetsTheLookupRun() throws Exception {
        assertEquals("reader@example.com", lookUpBehindSlowStreams(
                DatabaseConfig.sqlite("file:" + directory.resolve("three.db")).withReaderLanes(STREAMS + 1)
                        .withBusyTimeout(Duration.ofSeconds(1))));
    }

    @Test
    void aSlowlyReadStreamAsTheFirstReadAfterTheBootDoesNotHoldUpWrites() throws Exception {
        Minoro minoro = Minoro.create(MinoroConfig.of(DatabaseConfig.sqlite("file:" + directory.resolve("first.db"))
                .withBusyTimeout(Duration.ofSeconds(1)))).block(TIMEOUT);
        HeldStream<Role> stream = new HeldStream<>();
        try {
            Flux.range(0, ROLES).concatMap(i -> minoro.roles().create("role-" + i, null)).blockLast(TIMEOUT);
            // no read since the boot's: no reader lane is open, and the writer lane is idle
            minoro.roles().findAll().subscribe(stream);
            stream.awaitFirst(TIMEOUT);
            // the stream runs on the writer lane's connection: a write waiting behind it would fail after 1 s
            for (int i = 0; i < 3; i++) {
                User user = minoro.users().create(NewUser.of("writer" + i + "@example.com", null)).block(TIMEOUT);
                minoro.roles().assign(user.id(), "role-" + i).block(TIMEOUT);
            }
            assertEquals(3L, minoro.users().count().block(TIMEOUT));
            assertEquals(List.of("writer0@example.com"), minoro.roles().membersOf("role-0").map(User::email)
                    .collectList().block(TIMEOUT));
        } finally {
            stream.dispose();
            minoro.close().block(TIMEOUT);
        }
    }
}
