package dev.minoro.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * A {@link Lane}'s turns: tasks queued while it is busy run back to back on its thread, in the order queued, each
 * as if it were a task of the worker of its own (no interrupt left over from the one before), and a task whose
 * failure cannot be signalled does not strand the tasks behind it. On an in-memory SQLite connection.
 */
class LaneTurnIntegrationTests {

    private static final Duration HANG = Duration.ofSeconds(30);

    private final Scheduler threads = Schedulers.newBoundedElastic(2, 1000, "lane-turn-test");
    private Lane lane;

    @BeforeEach
    void openLane() {
        lane = new Lane("writer", threads.createWorker(), ":memory:", Duration.ofSeconds(5),
                new StatementCache(4, new LongAdder(), new LongAdder()));
        lane.open(() -> SqliteJdbc.open(":memory:", false), new LockWait(Duration.ofSeconds(5))).block(HANG);
    }

    @AfterEach
    void closeLane() {
        lane.close().block(HANG);
        threads.dispose();
    }

    /** Queues a task that holds the lane until the returned latch is counted down. */
    private CountDownLatch holdLane() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        lane.call(jdbc -> {
            started.countDown();
            go.await(HANG.toSeconds(), TimeUnit.SECONDS);
            return null;
        }).subscribe();
        assertThat(started.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return go;
    }

    @Test
    void tasksQueuedWhileTheLaneIsBusyRunInTheOrderQueuedOnTheLanesThread() throws Exception {
        CountDownLatch go = holdLane();
        List<Mono<String>> results = new ArrayList<>();
        // more than one turn's worth
        for (int i = 0; i < Lane.TASKS_PER_TURN * 3; i++) {
            int n = i;
            results.add(lane.call(jdbc -> {
                try (var statement = jdbc.createStatement(); var rows = statement.executeQuery("SELECT " + n)) {
                    rows.next();
                    return rows.getInt(1) + " on " + Thread.currentThread().getName();
                }
            }).cache());
        }
        results.forEach(Mono::subscribe);
        go.countDown();
        String thread = null;
        for (int i = 0; i < results.size(); i++) {
            String result = results.get(i).block(HANG);
            assertThat(result).startsWith(i + " on ");
            String ranOn = result.substring(result.indexOf(" on ") + 4);
            if (thread == null) {
                thread = ranOn;
            }
            assertThat(ranOn).isEqualTo(thread);
        }
    }

    @Test
    void anInterruptLeftByATaskDoesNotReachTheNextTaskOfTheSameTurn() throws Exception {
        CountDownLatch go = holdLane();
        Mono<Boolean> interrupting = lane.call(jdbc -> {
            Thread.currentThread().interrupt();
            return true;
        }).cache();
        Mono<Boolean> next = lane.call(jdbc -> Thread.currentThread().isInterrupted()).cache();
        interrupting.subscribe();
        next.subscribe();
        go.countDown();
        assertThat(interrupting.block(HANG)).isTrue();
        assertThat(next.block(HANG)).isFalse();
    }

    @Test
    void aTaskWhoseFailureCannotBeSignalledDoesNotStrandTheTasksQueuedBehindIt() throws Exception {
        Lane fresh = new Lane("reader-1", threads.createWorker(), ":memory:", Duration.ofSeconds(5),
                new StatementCache(4, new LongAdder(), new LongAdder()));
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        Disposable open = fresh.open(() -> {
            opening.countDown();
            try {
                go.await(HANG.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SQLException("cannot open");
        }, new LockWait(Duration.ofSeconds(5))).subscribe(opened -> { }, e -> { });
        assertThat(opening.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // the opening's subscriber cancels, and an error hook fails: the opening's failure, which reaches nobody,
        // goes up through the lane's turn
        open.dispose();
        Mono<String> behind = fresh.call(jdbc -> "ran").cache();
        behind.subscribe(value -> { }, e -> { });
        Hooks.onOperatorError("lane-turn-test", (e, value) -> {
            throw new IllegalStateException("the hook fails", e);
        });
        try {
            go.countDown();
            // the lane never opened, so the task behind fails as on a closed lane; what matters is that it ends
            StepVerifier.create(behind).expectError(R2dbcNonTransientResourceException.class).verify(HANG);
        } finally {
            Hooks.resetOnOperatorError("lane-turn-test");
            fresh.close().block(HANG);
        }
    }
}
