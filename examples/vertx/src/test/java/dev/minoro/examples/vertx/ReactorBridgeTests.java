package dev.minoro.examples.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;

/** Minoro's work runs on Minoro's threads; the futures complete back on the event loop that asked. */
@ExtendWith(VertxExtension.class)
final class ReactorBridgeTests {

    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path directory;

    private static Minoro minoro;

    @BeforeAll
    static void boot() {
        BlockingCalls.install();
        minoro = Minoro.create(MinoroConfig.of(DatabaseConfig.sqlite("file:" + directory.resolve("bridge.db"))))
                .block(Duration.ofSeconds(30));
        minoro.users().create(NewUser.of("amy@example.com", PASSWORD)).block(Duration.ofSeconds(30));
    }

    @AfterAll
    static void close() {
        minoro.close().block(Duration.ofSeconds(30));
    }

    @AfterEach
    void noBlockingCallOnAnEventLoop() {
        assertEquals(List.of(), BlockingCalls.drain());
    }

    /** What ran where, for one call through the bridge from an event-loop handler. */
    private record Threads(Thread eventLoop, Thread subscribedOn, Thread emittedOn, Thread completedOn,
            Object value) {
    }

    private static <T> Threads observe(Vertx vertx, Mono<T> work) throws Exception {
        List<Thread> seen = new CopyOnWriteArrayList<>();
        Promise<Threads> result = Promise.promise();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            Thread loop = Thread.currentThread();
            Future<T> future = ReactorBridge.toFuture(work
                    .doOnSubscribe(s -> seen.add(Thread.currentThread()))
                    .doOnEach(signal -> seen.add(Thread.currentThread())));
            future.onComplete(done -> result.complete(new Threads(loop, seen.get(0), seen.get(1),
                    Thread.currentThread(), done.succeeded() ? done.result() : done.cause())));
        });
        return result.future().await(30, TimeUnit.SECONDS);
    }

    @Test
    void aQueryRunsOnMinorosThreadsAndItsFutureCompletesOnTheEventLoop(Vertx vertx) throws Exception {
        Threads threads = observe(vertx, minoro.users().count());
        assertTrue(threads.eventLoop().getName().startsWith("vert.x-eventloop-thread-"), threads.eventLoop().getName());
        assertEquals(threads.eventLoop(), threads.subscribedOn(), "subscribing is all the event loop does");
        assertNotEquals(threads.eventLoop(), threads.emittedOn());
        assertTrue(threads.emittedOn().getName().startsWith("minoro-sqlite-"), threads.emittedOn().getName());
        assertEquals(threads.eventLoop(), threads.completedOn(), "the future's callbacks run on the event loop");
        assertEquals(1L, threads.value());
    }

    @Test
    void aLoginHashesOffTheEventLoopAndFailuresArriveOnIt(Vertx vertx) throws Exception {
        Threads ok = observe(vertx, minoro.authenticate("amy@example.com", PASSWORD));
        assertNotEquals(ok.eventLoop(), ok.emittedOn());
        assertTrue(ok.emittedOn().getName().startsWith("minoro-"), ok.emittedOn().getName());
        assertEquals(ok.eventLoop(), ok.completedOn());

        Threads refused = observe(vertx, minoro.authenticate("amy@example.com", "wrong password"));
        assertTrue(refused.emittedOn().getName().startsWith("minoro-"), refused.emittedOn().getName());
        assertEquals(refused.eventLoop(), refused.completedOn());
        InvalidCredentialsException e = assertInstanceOf(InvalidCredentialsException.class, refused.value(),
                "the future fails with Minoro's own exception, not a wrapper");
        assertEquals("invalid email or password", e.getMessage());
    }

    @Test
    void anEmptyMonoCompletesTheFutureWithNull(Vertx vertx) throws Exception {
        Threads threads = observe(vertx, minoro.users().findByEmail("nobody@example.com"));
        assertNull(threads.value());
        assertEquals(threads.eventLoop(), threads.completedOn());
    }

    /** The control: the checks above would see it if Minoro's work ran on the event loop. */
    @Test
    void blockingOnTheEventLoopIsCaught(Vertx vertx) throws Exception {
        Promise<Throwable> caught = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> {
            try {
                // A login hashes for tens of milliseconds: block() is sure to wait, on the event loop.
                minoro.authenticate("amy@example.com", PASSWORD).block(Duration.ofSeconds(30));
                caught.complete(null);
            } catch (Throwable e) {
                caught.complete(e);
            }
        });
        assertInstanceOf(BlockingOperationError.class, caught.future().await(30, TimeUnit.SECONDS));
        assertFalse(BlockingCalls.drain().isEmpty());
    }
}
