package dev.minoro.examples.startup;

import dev.minoro.DatabaseException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.util.retry.Retry;

/**
 * A running application: an HTTP server and the Minoro instance behind it, started together by
 * {@link #start} and stopped in order by {@link #stop}.
 */
final class Application {

    private final DisposableServer server;
    private final Minoro minoro;
    private final StartupSettings settings;
    private final Consumer<String> log;

    private Application(DisposableServer server, Minoro minoro, StartupSettings settings, Consumer<String> log) {
        this.server = server;
        this.minoro = minoro;
        this.settings = settings;
        this.log = log;
    }

    /**
     * A cold {@code Mono} that boots Minoro and binds the HTTP server at the same time ({@code Mono.zip}),
     * and emits the application once both are up. Until Minoro is ready the server answers 503, so a
     * load balancer's probe sees the service starting rather than a refused connection.
     *
     * <p>Each attempt to boot Minoro is cut off after {@code attemptTimeout} (cancelling it releases
     * whatever it had opened); a {@link DatabaseException} (database unreachable, locked, failing) or a
     * timeout is retried with exponential backoff, up to {@code retries} times; a configuration or
     * migration error is not, since trying again cannot fix it. If either resource fails for good, the
     * other one, if it was already up, is released before the error is signalled.
     */
    static Mono<Application> start(StartupSettings settings, Consumer<String> log) {
        return Mono.defer(() -> {
            AtomicReference<Minoro> ready = new AtomicReference<>();
            AtomicReference<DisposableServer> bound = new AtomicReference<>();

            Mono<Minoro> database = Mono.defer(() -> Minoro.create(MinoroConfig.of(settings.database())))
                    .timeout(settings.attemptTimeout())
                    .retryWhen(Retry.backoff(settings.retries(), settings.firstBackoff())
                            .filter(Application::worthRetrying)
                            .doBeforeRetry(retry -> log.accept("database attempt " + (retry.totalRetries() + 1)
                                    + " failed (" + retry.failure() + "); retrying"))
                            .onRetryExhaustedThrow((spec, retry) -> retry.failure()))
                    .doOnNext(minoro -> {
                        ready.set(minoro);
                        log.accept("minoro ready");
                    });

            Mono<DisposableServer> http = HttpServer.create()
                    .port(settings.port())
                    .route(routes -> routes(routes, ready))
                    .bind()
                    .cast(DisposableServer.class)
                    .doOnNext(server -> {
                        bound.set(server);
                        log.accept("http server listening on port " + server.port());
                    });

            return Mono.zip(database, http)
                    .map(both -> new Application(both.getT2(), both.getT1(), settings, log))
                    .onErrorResume(e -> release(bound.get(), ready.get(), log).then(Mono.error(e)));
        });
    }

    private static boolean worthRetrying(Throwable failure) {
        return failure instanceof DatabaseException || failure instanceof TimeoutException;
    }

    private static void routes(HttpServerRoutes routes, AtomicReference<Minoro> ready) {
        routes.get("/ready", (request, response) -> ready.get() == null
                        ? response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).sendString(Mono.just("starting"))
                        : response.sendString(Mono.just("ready")))
                .get("/users/count", (request, response) -> {
                    Minoro minoro = ready.get();
                    if (minoro == null) {
                        return response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).sendString(Mono.just("starting"));
                    }
                    // Composed, never blocked on: the count is written when Minoro's thread emits it.
                    return response.header("Content-Type", "application/json")
                            .sendString(minoro.users().count().map(count -> "{\"users\":" + count + "}"));
                });
    }

    /** The port the server listens on. */
    int port() {
        return server.port();
    }

    /** The running Minoro instance. */
    Minoro minoro() {
        return minoro;
    }

    /** A {@code Mono} completing when the HTTP server has stopped, for {@code main} to wait on. */
    Mono<Void> onDispose() {
        return server.onDispose();
    }

    /**
     * A cold {@code Mono} that stops the HTTP server first (no new requests; it completes once the server
     * is disposed), then closes Minoro, whose connections the last requests may still have been using.
     * Bounded by {@code shutdownTimeout}; Minoro is closed even if stopping the server fails.
     */
    Mono<Void> stop() {
        return release(server, minoro, log).timeout(settings.shutdownTimeout());
    }

    private static Mono<Void> release(DisposableServer server, Minoro minoro, Consumer<String> log) {
        Mono<Void> stopServer = server == null ? Mono.empty()
                : Mono.fromRunnable(server::dispose).then(server.onDispose())
                        .doOnSuccess(done -> log.accept("http server stopped"));
        Mono<Void> closeMinoro = minoro == null ? Mono.empty()
                : minoro.close().doOnSuccess(done -> log.accept("minoro closed"));
        return stopServer.onErrorResume(e -> Mono.empty()).then(closeMinoro);
    }
}
