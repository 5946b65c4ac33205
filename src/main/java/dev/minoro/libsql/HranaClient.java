package dev.minoro.libsql;

import io.r2dbc.spi.R2dbcException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Sends Hrana pipelines ({@code POST v3/pipeline}) with the JDK's asynchronous {@link HttpClient}: no thread
 * waits for a response.
 *
 * <p>The {@code HttpClient} and the executor it runs its completions on are shared by every factory of the
 * process with the same connect timeout and protocol (HTTP/2 over TLS, or HTTP/1.1 in cleartext): the URL and
 * the token go with each request, so factories of any server and token share them, and with them the pool of
 * open HTTP connections. The executor's daemon threads ({@code minoro-libsql-N-M}) are created on demand and
 * end after 30 s idle; the last factory to {@link #close()} shuts the executor down, so none is left once every
 * factory is closed.
 *
 * <p>Cleartext {@code http://} goes over HTTP/1.1: the JDK's default HTTP/2 upgrade makes sqld answer
 * {@code 101 Switching Protocols} and then never answer the request. {@code https://} negotiates HTTP/2 or
 * HTTP/1.1 with ALPN. Redirects are not followed (a redirect would carry the token elsewhere).
 */
final class HranaClient {

    private static final String PIPELINE = "/v3/pipeline";

    private final LibsqlConnectionConfiguration configuration;
    private final URI pipeline;
    private final Transport transport;
    private final HttpClient http;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A {@code HttpClient} and its executor, shared by the clients of one {@link Key}, counted. */
    private static final class Transport {

        private static final AtomicInteger CREATED = new AtomicInteger();
        private static final Map<Key, Transport> SHARED = new HashMap<>(); // under itself

        private final Key key;
        private final ExecutorService executor;
        private final HttpClient http;
        private int users; // under SHARED

        private Transport(Key key) {
            this.key = key;
            int id = CREATED.incrementAndGet();
            AtomicInteger threads = new AtomicInteger();
            this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    task -> {
                        Thread thread = new Thread(task, "minoro-libsql-" + id + "-" + threads.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    },
                    // once shut down, what the HTTP client still hands over (the completion of an exchange in
                    // flight) runs on the thread that hands it over: refused, it would leave its caller waiting
                    (task, shutDown) -> task.run());
            this.http = HttpClient.newBuilder()
                    .executor(executor)
                    .connectTimeout(key.connectTimeout())
                    .version(key.tls() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }

        /** The shared transport of {@code key}, made if no client uses one; {@link #release()} it once done. */
        static Transport acquire(Key key) {
            synchronized (SHARED) {
                Transport transport = SHARED.computeIfAbsent(key, Transport::new);
                transport.users++;
                return transport;
            }
        }

        /** One user is done; the last shuts the executor down (its threads end once what they run returns). */
        void release() {
            synchronized (SHARED) {
                if (--users > 0) {
                    return;
                }
                SHARED.remove(key, this);
            }
            executor.shutdown();
        }
    }

    /** What a shared {@code HttpClient} is built from. */
    private record Key(Duration connectTimeout, boolean tls) {
    }

    HranaClient(LibsqlConnectionConfiguration configuration) {
        this.configuration = configuration;
        this.pipeline = URI.create(configuration.url() + PIPELINE);
        this.transport = Transport.acquire(new Key(configuration.connectTimeout(), configuration.tls()));
        this.http = transport.http;
    }

    URI url() {
        return configuration.url();
    }

    /**
     * Sends one pipeline. The future completes, on the client's executor, with the response, or fails with an
     * {@link R2dbcException} (an HTTP error status, no answer, an unreadable body). Cancelling the future aborts
     * the HTTP exchange; the future then stays cancelled (the abort's own failure reaches no one).
     *
     * @param baseUrl the URL the server asked this stream's requests to go to, or null for the configured one
     * @param baton   the stream's baton, or null to open a new stream
     * @param timeout the longest wait for the answer; zero for no limit
     * @param sql     the statement the request is for, for error messages; null when it is not one statement
     */
    CompletableFuture<Hrana.Response> send(@Nullable String baseUrl, @Nullable String baton,
            List<Hrana.Request> requests, Duration timeout, @Nullable String sql) {
        URI target = baseUrl == null ? pipeline : URI.create(baseUrl + PIPELINE);
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(HranaJson.pipeline(baton, requests)));
        String token = configuration.authToken();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (!timeout.isZero()) {
            request.timeout(timeout);
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(LibsqlExceptionFactory.factoryClosed(configuration.url()));
        }
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) {
            // the shared executor was shut down: this client is closed
            return CompletableFuture.failedFuture(LibsqlExceptionFactory.factoryClosed(configuration.url()));
        }
        // a plain future, not one derived from the JDK's: cancelling that one aborts the exchange and completes it
        // with the abort's IOException before it is marked cancelled, so a caller that left would get an error
        CompletableFuture<Hrana.Response> response = new CompletableFuture<>();
        exchange.whenComplete((http, error) -> {
            if (error != null) {
                response.completeExceptionally(LibsqlExceptionFactory.transport(error, configuration.url(),
                        configuration.connectTimeout(), timeout, sql));
                return;
            }
            try {
                response.complete(read(http, requests.size(), sql));
            } catch (CompletionException e) {
                response.completeExceptionally(e.getCause());
            } catch (Throwable e) {
                // an Error reading the answer (an OutOfMemoryError for a huge body, a StackOverflowError) would
                // otherwise end this callback and leave the future, and the caller waiting on it, never completed
                response.completeExceptionally(e);
            }
        });
        // cancelling what the caller holds aborts the exchange (JDK 16+ cancels the request); the abort's failure
        // then completes nothing: the response is already cancelled
        response.whenComplete((value, error) -> {
            if (response.isCancelled()) {
                exchange.cancel(true);
            }
        });
        return response;
    }

    private Hrana.Response read(HttpResponse<byte[]> http, int requests, @Nullable String sql) {
        if (http.statusCode() != 200) {
            throw new CompletionException(LibsqlExceptionFactory.status(http.statusCode(),
                    HranaJson.errorBody(http.body()), configuration.url(), sql, configuration.authToken()));
        }
        Hrana.Response response;
        try {
            response = HranaJson.response(http.body());
        } catch (IOException | RuntimeException e) {
            throw new CompletionException(LibsqlExceptionFactory.unreadableBody(http.body().length,
                    http.headers().firstValue("Content-Type").orElse(null), e, configuration.url(), sql));
        }
        if (response.outcomes().size() != requests) {
            throw new CompletionException(LibsqlExceptionFactory.protocol("it answered " + response.outcomes().size()
                    + " of " + requests + " requests", configuration.url(), sql));
        }
        String baseUrl = response.baseUrl();
        if (baseUrl != null && !acceptable(baseUrl)) {
            throw new CompletionException(LibsqlExceptionFactory.protocol("it named a base_url of another scheme",
                    configuration.url(), sql));
        }
        return response;
    }

    /** A server-given base URL must be absolute http(s), and never downgrade https to http (the token goes along). */
    private boolean acceptable(String baseUrl) {
        return baseUrl.startsWith("https://") || baseUrl.startsWith("http://") && !configuration.tls();
    }

    /**
     * Releases the shared {@code HttpClient}: the last client of its kind to close shuts its executor down, and
     * the executor's threads end once the completions they run have returned. The JDK 17 {@link HttpClient} has
     * no {@code close()}; its selector thread (a daemon) and idle pooled connections go when the client is
     * garbage collected. Idempotent.
     */
    void close() {
        if (closed.compareAndSet(false, true)) {
            transport.release();
        }
    }
}
