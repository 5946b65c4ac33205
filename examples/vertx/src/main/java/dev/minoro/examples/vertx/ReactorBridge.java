package dev.minoro.examples.vertx;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import reactor.core.publisher.Mono;

/**
 * Turns Minoro's {@code Mono}s into Vert.x {@code Future}s without blocking anything.
 *
 * <p>Subscribing costs the calling thread nothing: Minoro's methods never block the subscribing thread,
 * their SQLite calls run on the driver's threads ({@code minoro-sqlite-*}) and password hashing on Minoro's
 * ({@code minoro-password-*}). The result arrives on one of those threads, so it is handed back to the
 * caller's Vert.x context: callbacks on the returned future run on the same event loop as the handler that
 * asked, as Vert.x code expects, and never on Minoro's threads.
 */
final class ReactorBridge {

    private ReactorBridge() {
    }

    /**
     * Subscribes to {@code mono} now and returns a future completed with its value (null when it completes
     * empty) or its error, on the calling thread's Vert.x context; called outside Vert.x (in {@code main},
     * say), the future completes on Minoro's thread.
     */
    static <T> Future<T> toFuture(Mono<T> mono) {
        Context context = Vertx.currentContext();
        return context == null
                ? Future.fromCompletionStage(mono.toFuture())
                : Future.fromCompletionStage(mono.toFuture(), context);
    }
}
