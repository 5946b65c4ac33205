package dev.minoro.vertx;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * Reactor {@code Mono}s, such as Minoro's, as Vert.x {@code Future}s, without blocking an event loop.
 *
 * <pre>{@code
 * router.get("/users/count").handler(ctx -> ReactorFutures.toFuture(minoro.users().count())
 *         .onSuccess(count -> ctx.json(new JsonObject().put("users", count)))
 *         .onFailure(ctx::fail));
 * }</pre>
 *
 * <ul>
 *   <li><b>Threads.</b> The {@code Mono} is subscribed at once, on the calling thread: subscribing must not block,
 *       which holds for every Minoro method (their work runs on Minoro's own threads and the driver's). Its result
 *       arrives on one of those threads and is handed to the Vert.x context: the future's callbacks run there, on
 *       the event loop (or worker, or virtual thread) that asked, never on Minoro's threads, whose number is
 *       bounded.</li>
 *   <li><b>Context.</b> The caller's context is the one {@link Vertx#currentContext()} returns, inside an HTTP
 *       request the request's own (duplicated) context, so its local data (a tracing span, say) is there again in
 *       the callbacks. The Reactor {@code Context} the {@code Mono} sees is empty: add what it should see with
 *       {@code contextWrite} before bridging.</li>
 *   <li><b>Values and errors.</b> The future succeeds with the {@code Mono}'s value, or with null when it completes
 *       empty, and fails with its error as it is (Minoro's typed exceptions, not a wrapper).</li>
 *   <li><b>Cancellation.</b> A Vert.x {@code Future} cannot be cancelled, and nothing tells it that its consumer has
 *       gone: the {@code Mono} runs to its end unless it is told. Pass a {@code cancelWhen} future (completed by an
 *       HTTP connection's close handler, say) to cancel the subscription when it completes; the returned future then
 *       fails with {@link CancellationException}. Minoro answers a cancelled call with no signal at all, and a
 *       cancelled login still counts as a failed attempt. For a time limit, prefer Reactor's {@code timeout} on the
 *       {@code Mono}, which cancels it too and fails with a {@code TimeoutException}.</li>
 * </ul>
 */
public final class ReactorFutures {

    private ReactorFutures() {
    }

    /**
     * Subscribes to {@code mono} now and returns a future completed with its value (null when empty) or its error
     * on the calling thread's Vert.x context.
     *
     * @param <T> the type of the value
     * @param mono the {@code Mono} to subscribe to
     * @return the future, completed on the calling thread's context
     * @throws IllegalStateException when the calling thread has no Vert.x context (it is not an event loop, a worker
     *                               or a virtual thread of Vert.x): use {@link #toFuture(Mono, Context)} with
     *                               {@code vertx.getOrCreateContext()}
     */
    public static <T> Future<T> toFuture(Mono<T> mono) {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("no Vert.x context on thread " + Thread.currentThread().getName()
                    + ": call from a verticle or a handler, or pass the context to complete on"
                    + " (ReactorFutures.toFuture(mono, vertx.getOrCreateContext()))");
        }
        return toFuture(mono, context);
    }

    /**
     * Subscribes to {@code mono} now and returns a future completed with its value (null when empty) or its error
     * on {@code context}.
     *
     * @param <T> the type of the value
     * @param mono the {@code Mono} to subscribe to
     * @param context the Vert.x context that completes the future
     * @return the future, completed on {@code context}
     */
    public static <T> Future<T> toFuture(Mono<T> mono, Context context) {
        Objects.requireNonNull(mono, "mono");
        Objects.requireNonNull(context, "context");
        return Future.fromCompletionStage(mono.toFuture(), context);
    }

    /**
     * {@return the same as {@link #toFuture(Mono, Context)}, and when {@code cancelWhen} completes (succeeds or fails)
     * before the {@code Mono} has, cancels the subscription and fails the returned future with
     * {@link CancellationException}}
     *
     * @param <T> the type of the value
     * @param mono the {@code Mono} to subscribe to
     * @param context the Vert.x context that completes the future
     * @param cancelWhen cancels the subscription when it completes first
     */
    public static <T> Future<T> toFuture(Mono<T> mono, Context context, Future<?> cancelWhen) {
        Objects.requireNonNull(mono, "mono");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(cancelWhen, "cancelWhen");
        CompletableFuture<T> result = mono.toFuture();
        // Reactor's future cancels its subscription when cancelled.
        cancelWhen.onComplete(ignored -> result.cancel(false));
        return Future.fromCompletionStage(result, context);
    }
}
