package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.query;

import io.r2dbc.spi.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Shortcuts for the driver's tests: factories on files, a reader lane opened, waits for what the lanes do; statements
 * on a connection of their own are in {@link dev.minoro.testing.R2dbcCalls}.
 */
final class SqliteTesting {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();

    private SqliteTesting() {
    }

    static SqliteConnectionFactory file(Path file) {
        return file(file, b -> b);
    }

    static SqliteConnectionFactory file(Path file, UnaryOperator<SqliteConnectionConfiguration.Builder> options) {
        return new SqliteConnectionFactory(options.apply(SqliteConnectionConfiguration.builder()
                .database(file.toString())).build());
    }

    static SqliteConnectionFactory memory() {
        return new SqliteConnectionFactory(SqliteConnectionConfiguration.builder().build());
    }

    /**
     * Opens the factory's first reader lane: a read while a transaction holds the writer lane. Until a reader
     * lane exists, a statement that reads runs on the writer lane when that lane is idle, so tests about reader
     * lanes call this first.
     */
    static void openReaderLane(SqliteConnectionFactory factory) {
        Connection holder = factory.create().block(TIMEOUT);
        try {
            Mono.from(holder.beginTransaction()).block(TIMEOUT);
            // the transaction's first statement takes the writer lane until the rollback
            Flux.from(holder.createStatement("SELECT 1").execute()).concatMap(r -> r.map(row -> 1)).blockLast(TIMEOUT);
            query(factory, "SELECT 1", r -> r.get(0)).blockLast(TIMEOUT);
            Mono.from(holder.rollbackTransaction()).block(TIMEOUT);
        } finally {
            Mono.from(holder.close()).block(TIMEOUT);
        }
        if (factory.metrics().readers().allocatedSize() == 0) {
            throw new AssertionError("no reader lane opened: " + factory.metrics());
        }
    }

    /**
     * Waits, up to {@link #TIMEOUT}, until {@code condition} holds, failing with {@code what} and {@code state}
     * otherwise: for what the driver does on its own thread a moment after the caller moved on.
     */
    static void await(String what, BooleanSupplier condition, Supplier<?> state) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + TIMEOUT + " for " + what + ": " + state.get());
            }
            // a poll of the condition, not a wait for time to pass: it ends as soon as the condition holds
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * {@link #await} until {@code condition} holds of the factory's lanes. A lane goes back on its own thread a
     * moment after the call that used it has ended, and a call joins the queue for a lane a moment after it is
     * subscribed: the counts say when.
     */
    static void awaitLanes(SqliteConnectionFactory factory, Predicate<SqliteMetrics> condition, String what) {
        SqliteMetrics metrics = factory.metrics();
        await(what, () -> condition.test(metrics), () -> metrics);
    }

    /**
     * {@link #await} until a lane's thread waits for SQLite's lock (it is in the driver's busy handler, between two
     * attempts), so that a test acts while a statement waits, not before it has started waiting.
     */
    static void awaitALockWait() {
        await("a lane waiting for SQLite's lock", () -> Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("minoro-sqlite-"))
                .anyMatch(e -> Arrays.stream(e.getValue()).anyMatch(frame -> frame.getClassName()
                        .equals(LockWait.class.getName()) && frame.getMethodName().equals("pause"))), () -> "none");
    }

    /** {@link #awaitLanes} until no lane is leased and no call waits for one. */
    static void awaitNothingLeased(SqliteConnectionFactory factory) {
        awaitLanes(factory, m -> m.acquiredSize() == 0 && m.pendingAcquireSize() == 0,
                "no lane leased and no call waiting");
    }

    static Mono<Void> close(SqliteConnectionFactory factory) {
        return Mono.from(factory.close());
    }

    /** Deletes {@code directory} and everything in it. */
    static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
