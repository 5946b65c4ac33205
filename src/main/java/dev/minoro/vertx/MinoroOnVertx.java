package dev.minoro.vertx;

import dev.minoro.Minoro;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * What each Vert.x provider works with: the Minoro instance it asks, and the Vert.x instance whose context its
 * futures complete on.
 *
 * @param vertx  the Vert.x instance the futures come back on
 * @param minoro the Minoro instance whose accounts the provider uses
 */
record MinoroOnVertx(Vertx vertx, Minoro minoro) {

    MinoroOnVertx {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(minoro, "minoro");
    }

    /**
     * {@return {@code call}, subscribed now, as a future completed on the caller's Vert.x context, or on one of
     * {@link #vertx}'s when called from elsewhere}
     */
    <T> Future<T> future(Mono<T> call) {
        return ReactorFutures.toFuture(call, vertx.getOrCreateContext());
    }
}
