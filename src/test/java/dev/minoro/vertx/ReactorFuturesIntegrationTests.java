package dev.minoro.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.InvalidCredentialsException;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.TestConfigs;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@link ReactorFutures} with a real Vert.x and a real Minoro on a SQLite file, under the test suite's BlockHound
 * (Vert.x event loops are non-blocking threads to it): Minoro's work runs on Minoro's threads, the futures complete
 * on the context that asked, values and errors arrive as they are, and a cancelled future cancels the work.
 */
final class ReactorFuturesIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path directory;

    private static Vertx vertx;
    private static Minoro minoro;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        minoro = Minoro.create(TestConfigs.fast(TestConfigs.sqliteFile(directory, "vertx.db"),
                MutableClock.atFixedStart())).block(TIMEOUT);
        minoro.users().create(NewUser.of("amy@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
    }

    @AfterAll
    static void stop() throws Exception {
        minoro.close().block(TIMEOUT);
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    /** What ran where, for one call through the bridge made on an event loop. */
    private record Observed(Context context, Thread eventLoop, Thread subscribedOn, Thread emittedOn,
            Context completedIn, Thread completedOn, Object outcome) {
    }

    private static <T> Observed observe(Supplier<Mono<T>> work) throws Exception {
        List<Thread> seen = new CopyOnWriteArrayList<>();
        Promise<Observed> observed = Promise.promise();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            Thread loop = Thread.currentThread();
            ReactorFutures.toFuture(work.get()
                            .doOnSubscribe(s -> seen.add(Thread.currentThread()))
                            .doOnEach(signal -> seen.add(Thread.currentThread())))
                    .onComplete(done -> observed.complete(new Observed(context, loop, seen.get(0), seen.get(1),
                            Vertx.currentContext(), Thread.currentThread(),
                            done.succeeded() ? done.result() : done.cause())));
        });
        return observed.future().await(30, TimeUnit.SECONDS);
    }

    @Test
    void minorosWorkRunsOnItsThreadsAndTheFutureCompletesOnTheEventLoopThatAsked() throws Exception {
        Observed observed = observe(() -> minoro.users().count());
        assertTrue(observed.eventLoop().getName().startsWith("vert.x-eventloop-thread-"), observed.eventLoop().getName());
        assertEquals(observed.eventLoop(), observed.subscribedOn(), "subscribing is all the event loop does");
        assertTrue(observed.emittedOn().getName().startsWith("minoro-sqlite-"), observed.emittedOn().getName());
        assertEquals(observed.eventLoop(), observed.completedOn());
        assertSame(observed.context(), observed.completedIn());
        assertEquals(1L, observed.outcome());
    }

    @Test
    void aLoginHashesOffTheEventLoopAndItsRefusalArrivesAsMinorosException() throws Exception {
        Observed ok = observe(() -> minoro.authenticate("amy@example.com", TestConfigs.PASSWORD));
        assertNotEquals(ok.eventLoop(), ok.emittedOn());
        assertTrue(ok.emittedOn().getName().startsWith("minoro-"), ok.emittedOn().getName());
        assertEquals(ok.eventLoop(), ok.completedOn());
        assertEquals("amy@example.com", ((dev.minoro.User) ok.outcome()).email());

        Observed refused = observe(() -> minoro.authenticate("amy@example.com", "wrong password"));
        assertEquals(refused.eventLoop(), refused.completedOn());
        InvalidCredentialsException e = assertInstanceOf(InvalidCredentialsException.class, refused.outcome(),
                "the future fails with Minoro's own exception, not a wrapper");
        assertEquals("invalid email or password", e.getMessage());
    }

    @Test
    void anEmptyMonoCompletesTheFutureWithNull() throws Exception {
        Observed observed = observe(() -> minoro.users().findByEmail("nobody@example.com"));
        assertNull(observed.outcome());
        assertEquals(observed.eventLoop(), observed.completedOn());
    }

    /** Inside an HTTP request the handler runs on a context of the request's own, whose local data must follow. */
    @Test
    void insideAnHttpRequestTheFutureCompletesOnTheRequestsOwnContext() throws Exception {
        AtomicReference<Context> handlerContext = new AtomicReference<>();
        AtomicReference<Context> callbackContext = new AtomicReference<>();
        Promise<HttpServer> listening = Promise.promise();
        // As applications do: the server started by a verticle's context.
        vertx.getOrCreateContext().runOnContext(v -> vertx.createHttpServer().requestHandler(request -> {
            handlerContext.set(Vertx.currentContext());
            ReactorFutures.toFuture(minoro.users().count()).onComplete(count -> {
                callbackContext.set(Vertx.currentContext());
                request.response().end(String.valueOf(count.result()));
            });
        }).listen(0, "127.0.0.1").onComplete(listening));
        HttpServer server = listening.future().await(30, TimeUnit.SECONDS);
        // Held until closed: Vert.x closes a client that is no longer referenced, even mid-request.
        HttpClient client = vertx.createHttpClient();
        try {
            String body = client
                    .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                    .compose(request -> request.send().compose(HttpClientResponse::body))
                    .await(30, TimeUnit.SECONDS).toString();
            assertEquals("1", body);
            assertSame(handlerContext.get(), callbackContext.get());
            assertNotEquals(vertx.getOrCreateContext(), handlerContext.get());
        } finally {
            client.close().await(30, TimeUnit.SECONDS);
            server.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void fromOutsideVertxTheContextIsNamed() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ReactorFutures.toFuture(minoro.users().count()));
        assertTrue(e.getMessage().startsWith("no Vert.x context on thread main"), e.getMessage());

        Context context = vertx.getOrCreateContext();
        Promise<Thread> completedOn = Promise.promise();
        ReactorFutures.toFuture(minoro.users().count(), context)
                .onComplete(done -> completedOn.complete(Thread.currentThread()));
        Thread thread = completedOn.future().await(30, TimeUnit.SECONDS);
        assertTrue(thread.getName().startsWith("vert.x-eventloop-thread-"), thread.getName());
    }

    @Test
    void completingCancelWhenCancelsTheSubscriptionAndFailsTheFuture() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        Promise<Void> clientGone = Promise.promise();
        Context context = vertx.getOrCreateContext();
        Future<Object> future = ReactorFutures.toFuture(Mono.never().doOnCancel(cancelled::countDown), context,
                clientGone.future());
        clientGone.complete();
        assertTrue(cancelled.await(30, TimeUnit.SECONDS), "the subscription was not cancelled");
        Promise<Thread> failedOn = Promise.promise();
        future.onComplete(done -> failedOn.complete(Thread.currentThread()));
        assertTrue(failedOn.future().await(30, TimeUnit.SECONDS).getName().startsWith("vert.x-eventloop-thread-"));
        assertInstanceOf(CancellationException.class, future.cause());
    }

    @Test
    void aCancelWhenThatCompletesLateChangesNothing() throws Exception {
        Promise<Void> clientGone = Promise.promise();
        Future<Long> future = ReactorFutures.toFuture(minoro.users().count(), vertx.getOrCreateContext(),
                clientGone.future());
        assertEquals(1L, future.await(30, TimeUnit.SECONDS));
        clientGone.fail("gone");
        assertTrue(future.succeeded());
        assertEquals(1L, future.result());
    }

    /** The control: the checks above would see it if Minoro's work ran on the event loop. */
    @Test
    void blockingOnAnEventLoopIsCaught() throws Exception {
        Promise<Throwable> caught = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> {
            try {
                // The login waits for a gate nobody opens, so block() is sure to wait, on the event loop. (A login
                // alone can finish before block() begins to wait: the suite's password hashing is cheap.)
                minoro.authenticate("amy@example.com", TestConfigs.PASSWORD)
                        .delaySubscription(Sinks.empty().asMono())
                        .block(TIMEOUT);
                caught.complete(null);
            } catch (Throwable e) {
                caught.complete(e);
            }
        });
        assertInstanceOf(BlockingOperationError.class, caught.future().await(30, TimeUnit.SECONDS));
    }
}
