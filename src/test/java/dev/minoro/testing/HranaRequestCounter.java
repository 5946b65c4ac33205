package dev.minoro.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A loopback HTTP proxy in front of a libSQL server that records every Hrana request sent through it: how the
 * tests count a libSQL boot's round trips, as StatementRecorder counts statements. Point Minoro at {@link #url()}.
 */
public final class HranaRequestCounter implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();

    private final String target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "hrana-request-counter");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final Object streams = new Object();
    private int opened; // under streams: answered requests that opened a Hrana stream (no baton)
    private int closed; // under streams: answered requests that closed one (a close request)
    private int inFlight; // under streams: pipeline requests received and not yet answered
    private volatile IntConsumer beforeForwarding = number -> { };

    private HranaRequestCounter(String target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    /** A proxy in front of the server at {@code url} ({@code http://127.0.0.1:port}). */
    public static HranaRequestCounter in(String url) throws IOException {
        return new HranaRequestCounter(url);
    }

    /** The proxy's URL, {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many Hrana pipeline requests went through. */
    public int requests() {
        return bodies.size();
    }

    /** The JSON body of each request, in order. */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** The SQL of every statement sent, in order. */
    public List<String> statements() {
        List<String> all = new ArrayList<>();
        statementsByRequest().forEach(all::addAll);
        return all;
    }

    /**
     * The SQL of the statements of each request, one list per request, in order: every {@code "sql"} string of the
     * request's JSON, unescaped by a JSON parser (a statement can be long: a migration script's first statement
     * carries the script's header comment).
     */
    public List<List<String>> statementsByRequest() {
        List<List<String>> requests = new ArrayList<>();
        for (String body : bodies) {
            List<String> statements = new ArrayList<>();
            try (JsonParser json = JSON.createParser(body)) {
                for (JsonToken token = json.nextToken(); token != null; token = json.nextToken()) {
                    if (token == JsonToken.FIELD_NAME && json.currentName().equals("sql")
                            && json.nextToken() == JsonToken.VALUE_STRING) {
                        statements.add(json.getText());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("a request that is not JSON: " + body, e);
            }
            requests.add(statements);
        }
        return requests;
    }

    /**
     * Runs {@code hook} with the number of each pipeline request (1 for the first) as it arrives, before it is
     * forwarded to the server (so the client still waits for its answer).
     */
    public void beforeForwarding(IntConsumer hook) {
        this.beforeForwarding = hook;
    }

    /**
     * Waits up to {@code timeout} until every Hrana stream that a request opened (a pipeline without a baton) has
     * been closed by a later request (a {@code close} request), both answered by the server, and no request is on
     * its way; returns whether that happened. A stream the client forgot would be expired by the server only after 10 s.
     */
    public boolean awaitStreamsClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (streams) {
            while (opened != closed || inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(streams, left);
            }
            return true;
        }
    }

    /** How many streams were opened and how many closed, for a failure message. */
    public String streams() {
        synchronized (streams) {
            return opened + " streams opened, " + closed + " closed";
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String text = new String(body, StandardCharsets.UTF_8);
            boolean pipeline = exchange.getRequestURI().getPath().endsWith("/pipeline");
            if (pipeline) {
                synchronized (streams) {
                    inFlight++;
                }
                bodies.add(text);
                beforeForwarding.accept(bodies.size());
            }
            try {
                relay(exchange, body, text, pipeline);
            } finally {
                if (pipeline) {
                    synchronized (streams) {
                        inFlight--;
                        streams.notifyAll();
                    }
                }
            }
        }
    }

    private void relay(HttpExchange exchange, byte[] body, String text, boolean pipeline) throws IOException {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                    .timeout(Duration.ofSeconds(60));
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (pipeline && response.statusCode() == 200) {
                synchronized (streams) {
                    opened += text.contains("\"baton\":null") ? 1 : 0;
                    closed += text.contains("{\"type\":\"close\"}") ? 1 : 0;
                    streams.notifyAll();
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
