package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.query;
import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** {@link SqliteConnectionFactory#metrics()}: what the lanes of each kind are doing, as they do it. */
final class SqliteMetricsIntegrationTests {

    @TempDir
    Path directory;

    private static void assertLanes(SqliteMetrics.LaneMetrics lanes, int acquired, int idle, int allocated, int max,
            int pending) {
        String actual = lanes.toString();
        assertEquals(acquired, lanes.acquiredSize(), "acquired " + actual);
        assertEquals(idle, lanes.idleSize(), "idle " + actual);
        assertEquals(allocated, lanes.allocatedSize(), "allocated " + actual);
        assertEquals(max, lanes.maxAllocatedSize(), "max " + actual);
        assertEquals(pending, lanes.pendingAcquireSize(), "pending " + actual);
    }

    @Test
    void theCountsFollowTheLanesAsTheyOpenAreLeasedAndAreWaitedFor() {
        SqliteConnectionFactory factory = SqliteTesting.file(directory.resolve("metrics.db"), b -> b.readerLanes(2));
        SqliteMetrics metrics = factory.metrics();
        assertSame(metrics, factory.metrics(), "a live view");
        Connection holder = null;
        try {
            assertLanes(metrics.writer(), 0, 0, 0, 1, 0);
            assertLanes(metrics.readers(), 0, 0, 0, 2, 0);
            holder = factory.create().block(SqliteTesting.TIMEOUT);
            assertLanes(metrics.writer(), 0, 1, 1, 1, 0); // the first create() opens the writer lane
            update(factory, "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)")
                    .block(SqliteTesting.TIMEOUT);
            // a read finds the writer lane idle and no reader lane open: it runs there, and no reader lane opens
            query(factory, "SELECT count(*) FROM t", r -> r.get(0, Long.class)).as(StepVerifier::create)
                    .expectNext(3L).verifyComplete();
            assertLanes(metrics.readers(), 0, 0, 0, 2, 0);
            assertLanes(metrics.writer(), 0, 1, 1, 1, 0);
            // a read while the writer lane is taken opens a reader lane, and from then on reads go to reader lanes
            SqliteTesting.openReaderLane(factory);
            assertLanes(metrics.readers(), 0, 1, 1, 2, 0);

            // an unread result holds its reader lane
            Connection reader = holder;
            Result unread = Flux.from(reader.createStatement("SELECT v FROM t").fetchSize(1).execute())
                    .blockFirst(SqliteTesting.TIMEOUT);
            assertLanes(metrics.readers(), 1, 0, 1, 2, 0);
            Flux.from(unread.map(row -> row.get(0))).then().block(SqliteTesting.TIMEOUT);
            SqliteTesting.awaitNothingLeased(factory);
            assertLanes(metrics.readers(), 0, 1, 1, 2, 0);

            // a transaction holds the writer lane; a write of another connection waits for it
            Mono.from(holder.beginTransaction()).block(SqliteTesting.TIMEOUT);
            assertLanes(metrics.writer(), 1, 0, 1, 1, 0);
            update(factory, "INSERT INTO t VALUES (4)")
                    .as(StepVerifier::create)
                    .expectSubscription()
                    .then(() -> SqliteTesting.awaitLanes(factory, m -> m.writer().pendingAcquireSize() == 1,
                            "the write waiting for the writer lane"))
                    .then(() -> {
                        assertEquals(1, metrics.acquiredSize());
                        assertEquals(1, metrics.pendingAcquireSize());
                        Mono.from(reader.commitTransaction()).subscribe();
                    })
                    .expectNext(1L)
                    .verifyComplete();
            SqliteTesting.awaitNothingLeased(factory);
            assertLanes(metrics.writer(), 0, 1, 1, 1, 0);
        } finally {
            if (holder != null) {
                Mono.from(holder.close()).block(SqliteTesting.TIMEOUT);
            }
            SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void kindsAFactoryDoesNotHaveCountZero() {
        SqliteConnectionFactory memory = SqliteTesting.memory();
        try {
            assertLanes(memory.metrics().readers(), 0, 0, 0, 0, 0);
            assertLanes(memory.metrics().writer(), 0, 0, 0, 1, 0);
        } finally {
            SqliteTesting.close(memory).block(SqliteTesting.TIMEOUT);
        }
        SqliteConnectionFactory writer = SqliteTesting.file(directory.resolve("read-only.db"));
        update(writer, "CREATE TABLE t (v INTEGER)").then(SqliteTesting.close(writer)).block(SqliteTesting.TIMEOUT);
        SqliteConnectionFactory readOnly = SqliteTesting.file(directory.resolve("read-only.db"), b -> b.readOnly(true));
        try {
            assertLanes(readOnly.metrics().writer(), 0, 0, 0, 0, 0);
            assertLanes(readOnly.metrics().readers(), 0, 0, 0, SqliteConnectionConfiguration.defaultReaderLanes(), 0);
        } finally {
            SqliteTesting.close(readOnly).block(SqliteTesting.TIMEOUT);
        }
    }
}
