package dev.minoro.libsql;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * One Hrana stream held across requests, as a transaction needs: its requests go one at a time, in the order
 * they were sent, each with the baton that the previous response gave (the server refuses a baton used twice).
 * A request is never aborted once sent: its response carries the baton that the next request, a ROLLBACK or
 * the close, needs.
 *
 * <p>States: new (no request yet: the first opens the stream), open (the server holds it), closed (the
 * server closed it, after a {@code close} request or on an error) and lost (a request failed without an
 * answer: its baton is unknown, so nothing more can be sent; the server expires the stream, rolling back what
 * it held, 10 s after its last request).
 */
final class HranaStream {

    private final HranaClient client;
    private final Object lock = new Object();
    private @Nullable String baton; // under lock
    private @Nullable String baseUrl; // under lock
    private boolean used; // under lock: a request was sent
    private boolean answered; // under lock: a request was answered
    private boolean lost; // under lock
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // under lock

    HranaStream(HranaClient client) {
        this.client = client;
    }

    /**
     * Sends {@code requests} once every earlier request of the stream has been answered. The future completes on
     * the client's executor; cancelling it does not abort the request.
     */
    CompletableFuture<Hrana.Response> send(List<Hrana.Request> requests, Duration timeout, @Nullable String sql) {
        CompletableFuture<Hrana.Response> result = new CompletableFuture<>();
        CompletableFuture<?> previous;
        synchronized (lock) {
            previous = tail;
            tail = result.handle((response, error) -> null);
            used = true;
        }
        previous.whenComplete((ignored, error) -> {
            String currentBaton;
            String currentBaseUrl;
            synchronized (lock) {
                if (lost || answered && baton == null) {
                    result.completeExceptionally(new IllegalStateException("the stream is "
                            + (lost ? "lost" : "closed")));
                    return;
                }
                currentBaton = baton;
                currentBaseUrl = baseUrl;
            }
            client.send(currentBaseUrl, currentBaton, requests, timeout, sql).whenComplete((response, failure) -> {
                synchronized (lock) {
                    if (failure != null) {
                        lost = true;
                        baton = null;
                    } else {
                        answered = true;
                        baton = response.baton();
                        if (response.baseUrl() != null) {
                            baseUrl = response.baseUrl();
                        }
                    }
                }
                if (failure != null) {
                    result.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                } else {
                    result.complete(response);
                }
            });
        });
        return result;
    }

    /** Whether a request was sent on this stream. */
    boolean used() {
        synchronized (lock) {
            return used;
        }
    }

    /** Whether the server holds this stream: a request was answered with a baton. */
    boolean open() {
        synchronized (lock) {
            return baton != null && !lost;
        }
    }
}
