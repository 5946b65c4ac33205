package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Reaching the server: unreachable servers fail within the configured timeouts; closing ends the threads. */
final class LibsqlConnectIntegrationTests {

    @Test
    void aClosedPortFailsAtOnceNamingTheServer() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertFails("http://127.0.0.1:" + port, R2dbcNonTransientResourceException.class, "could not connect");
    }

    /** A socket that accepts and never answers: over TLS the handshake never ends, which the connect timeout bounds. */
    @Test
    void aSilentServerFailsWithinTheConnectTimeoutOverTls() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertFails("https://127.0.0.1:" + silent.getLocalPort(), R2dbcTimeoutException.class,
                    "within the connect timeout of PT1S");
        }
    }

    /**
     * The same socket over cleartext HTTP: the connection is made and the request sent, and a server that accepted
     * it and never answers looks like one running a long statement; the request timeout bounds it.
     */
    @Test
    void aSilentServerFailsWithinTheRequestTimeoutOverHttp() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertFails("http://127.0.0.1:" + silent.getLocalPort(), R2dbcTimeoutException.class,
                    "within the request timeout of PT2S");
        }
    }

    /**
     * Factories of one connect timeout and protocol share an HTTP client and its threads: closing one leaves the
     * other working, and once both are closed the threads end and later creates fail.
     */
    @Test
    void factoriesShareTheirThreadsWhichEndWithTheLastClose() throws InterruptedException {
        LibsqlDatabase database = LibsqlServer.database();
        try {
            Set<Thread> before = libsqlThreads();
            // a connect timeout no other factory of this JVM uses: these two share an HTTP client of their own
            LibsqlConnectionConfiguration own = database.configuration().connectTimeout(Duration.ofMillis(9_876))
                    .build();
            LibsqlConnectionFactory first = new LibsqlConnectionFactory(own);
            LibsqlConnectionFactory second = new LibsqlConnectionFactory(own);
            R2dbcCalls.query(first, "SELECT 1", row -> row.get(0, Long.class))
                    .as(StepVerifier::create).expectNext(1L).verifyComplete();
            R2dbcCalls.query(second, "SELECT 2", row -> row.get(0, Long.class))
                    .as(StepVerifier::create).expectNext(2L).verifyComplete();
            Set<Thread> started = libsqlThreads();
            started.removeAll(before);
            assertFalse(started.isEmpty(), "the answers were completed on threads of the factories' own client");
            assertEquals(1, started.stream().map(thread -> thread.getName().split("-")[2]).distinct().count(),
                    () -> "one shared client: " + started);
            first.close().block(LibsqlTesting.TIMEOUT);
            first.create().as(StepVerifier::create).expectError(R2dbcNonTransientResourceException.class).verify();
            R2dbcCalls.query(second, "SELECT 3", row -> row.get(0, Long.class))
                    .as(StepVerifier::create).expectNext(3L).verifyComplete();
            second.close().block(LibsqlTesting.TIMEOUT);
            second.create().as(StepVerifier::create).expectError(R2dbcNonTransientResourceException.class).verify();
            // the executor ends its threads once the completions they run have returned
            for (Thread thread : started) {
                thread.join(Duration.ofSeconds(10).toMillis());
                assertFalse(thread.isAlive(), "the factories' HTTP thread " + thread.getName() + " is still running");
            }
        } finally {
            database.close();
        }
    }

    private static Set<Thread> libsqlThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("minoro-libsql-"))
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static void assertFails(String url, Class<? extends Exception> type, String message) {
        LibsqlConnectionFactory factory = new LibsqlConnectionFactory(LibsqlConnectionConfiguration.builder().url(url)
                .connectTimeout(Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(2)).build());
        try {
            R2dbcCalls.update(factory, "SELECT 1")
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertEquals(type, e.getClass(), () -> "was " + e);
                        assertTrue(e.getMessage().contains(message), e::getMessage);
                        assertTrue(e.getMessage().contains(url), e::getMessage);
                    })
                    .verify(Duration.ofSeconds(20));
        } finally {
            factory.close().block(LibsqlTesting.TIMEOUT);
        }
    }
}
