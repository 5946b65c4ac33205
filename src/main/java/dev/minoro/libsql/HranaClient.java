package dev.minoro.libsql;

import io.r2dbc.spi.R2dbcException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Sends Hrana pipelines ({@code POST v3/pipeline}) with the JDK's asynchronous {@link HttpClient}: no thread
 * waits for a response. The client runs its completions on an executor of daemon threads that it owns
 * ({@code minoro-libsql-N-M}, created on demand, ended after 30 s idle) and shuts down in {@link #close()}.
 *
 * <p>Cleartext {@code http://} goes over HTTP/1.1: the JDK's default HTTP/2 upgrade makes sqld answer
 * {@code 101 Switching Protocols} and then never answer the request. {@code https://} negotiates HTTP/2 or
 * HTTP/1.1 with ALPN. Redirects are not followed (a redirect would carry the token elsewhere).
 */
final class HranaClient {

    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final String PIPELINE = "/v3/pipeline";

    private final LibsqlConnectionConfiguration configuration;
    private final URI pipeline;
    private final ExecutorService executor;
    private final HttpClient http;

    HranaClient(LibsqlConnectionConfiguration configuration) {
        this.configuration = configuration;
        this.pipeline = URI.create(configuration.url() + PIPELINE);
        int id = CLIENTS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "minoro-libsql-" + id + "-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                // once closed, what the HTTP client still hands over (the completion of an exchange in flight)
                // runs on the thread that hands it over: refused, it would leave its caller waiting for ever
                (task, closed) -> task.run());
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(configuration.connectTimeout())
                .version(configuration.tls() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    URI url() {
        return configuration.url();
    }

    /**
     * Sends one pipeline. The future completes, on the client's executor, with the response, or fails with an
     * {@link R2dbcException} (an HTTP error status, no answer, an unreadable body). Cancelling the future aborts
     * the HTTP exchange.
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
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) {
            // the executor was shut down: the factory is closed
            return CompletableFuture.failedFuture(LibsqlExceptionFactory.factoryClosed(configuration.url()));
        }
        CompletableFuture<Hrana.Response> response = exchange.handle((http, error) -> {
            if (error != null) {
                throw new CompletionException(LibsqlExceptionFactory.transport(error, configuration.url(),
                        configuration.connectTimeout(), timeout, sql));
            }
            return read(http, requests.size(), sql);
        });
        // cancelling what the caller holds aborts the exchange (JDK 16+ cancels the request)
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
                    HranaJson.errorBody(http.body()), configuration.url(), sql));
        }
        Hrana.Response response;
        try {
            response = HranaJson.response(http.body());
        } catch (IOException | RuntimeException e) {
            throw new CompletionException(LibsqlExceptionFactory.protocol(e.getClass().getSimpleName(),
                    configuration.url(), sql, e));
        }
        if (response.outcomes().size() != requests) {
            throw new CompletionException(LibsqlExceptionFactory.protocol("it answered " + response.outcomes().size()
                    + " of " + requests + " requests", configuration.url(), sql, null));
        }
        String baseUrl = response.baseUrl();
        if (baseUrl != null && !acceptable(baseUrl)) {
            throw new CompletionException(LibsqlExceptionFactory.protocol("it named a base_url of another scheme",
                    configuration.url(), sql, null));
        }
        return response;
    }

    /** A server-given base URL must be absolute http(s), and never downgrade https to http (the token goes along). */
    private boolean acceptable(String baseUrl) {
        return baseUrl.startsWith("https://") || baseUrl.startsWith("http://") && !configuration.tls();
    }

    /**
     * Shuts the executor down: its threads end once the completions they run have returned. The JDK 17
     * {@link HttpClient} has no {@code close()}; its selector thread (a daemon) and idle pooled connections go
     * when the client is garbage collected.
     */
    void close() {
        executor.shutdown();
    }
}
