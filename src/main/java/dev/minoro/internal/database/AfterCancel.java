package dev.minoro.internal.database;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How every Minoro operation treats an error that arrives after its subscriber cancelled: logged at DEBUG, and
 * passed no further. Reactor's {@code Mono.usingWhen} finishes a commit or rollback that it had begun when the cancel
 * came (the work had just completed or failed) and then signals its outcome, though nobody waits for it: a commit or
 * rollback that fails on a connection closed meanwhile, or the work's own error, delivered once its rollback is done.
 * The first operator that knows it was cancelled (a {@code subscribe} lambda, {@code block}) hands such an error to
 * Reactor's {@code Hooks.onErrorDropped}, whose default logs it at ERROR: an alarm for nothing. (A cleanup that Reactor
 * runs because of the cancel itself fails into a WARN line of Reactor's own, not into this.)
 */
public final class AfterCancel {

    private static final Logger log = LoggerFactory.getLogger(AfterCancel.class);

    private AfterCancel() {
    }

    /** {@code operation}, each of whose subscriptions signals no error once its subscriber has cancelled. */
    public static <T> Mono<T> quiet(Mono<T> operation) {
        return Mono.defer(() -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            return operation.onErrorResume(e -> cancelled.get(), AfterCancel::logged)
                    .doOnCancel(() -> cancelled.set(true));
        });
    }

    /** {@link #quiet(Mono)} for operations that emit many values. */
    public static <T> Flux<T> quiet(Flux<T> operation) {
        return Flux.defer(() -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            return operation.onErrorResume(e -> cancelled.get(), e -> Flux.from(AfterCancel.<T>logged(e)))
                    .doOnCancel(() -> cancelled.set(true));
        });
    }

    private static <T> Mono<T> logged(Throwable error) {
        log.debug("An operation failed after its caller cancelled; nobody waits for its error", error);
        return Mono.empty();
    }
}
