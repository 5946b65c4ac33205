package dev.minoro.examples.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.Minoro;
import dev.minoro.MinoroException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** Startup and shutdown of the whole application, with a real SQLite file and real HTTP. */
final class ApplicationIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private StartupSettings settings(Path file, int port, Duration attemptTimeout, int retries) {
        return new StartupSettings(DatabaseConfig.sqlite("file:" + file), port, attemptTimeout, retries,
                Duration.ofMillis(10), TIMEOUT);
    }

    private static Mono<String> get(int port, String path) {
        return HttpClient.create().port(port).get().uri(path)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> response.status().code() + " " + text));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void startsBothServesRequestsAndStopsTheServerBeforeMinoro() {
        Application app = Application.start(settings(directory.resolve("app.db"), 0, TIMEOUT, 0), log::add)
                .block(TIMEOUT);
        get(app.port(), "/ready").as(StepVerifier::create).expectNext("200 ready").verifyComplete();
        get(app.port(), "/users/count").as(StepVerifier::create).expectNext("200 {\"users\":0}").verifyComplete();
        Minoro minoro = app.minoro();

        app.stop().as(StepVerifier::create).verifyComplete();

        assertEquals(List.of("http server stopped", "minoro closed"), log.subList(log.size() - 2, log.size()));
        get(app.port(), "/ready").as(StepVerifier::create).expectError().verify(TIMEOUT);
        MinoroException closed = assertThrows(MinoroException.class, () -> minoro.users().count().block(TIMEOUT));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void anUnreachableDatabaseIsRetriedAndTheServerReleasedWhenItGivesUp() {
        int port = freePort();
        Path unreachable = directory.resolve("missing-directory/app.db");
        Application.start(settings(unreachable, port, TIMEOUT, 2), log::add).as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertInstanceOf(DatabaseException.class, e))
                .verify(TIMEOUT);

        assertEquals(2, log.stream().filter(line -> line.endsWith("retrying")).count(), log.toString());
        assertPortFree(port);
    }

    /** The server that was bound (or being bound) while the database failed has been released. */
    private static void assertPortFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            assertEquals(port, socket.getLocalPort());
        } catch (IOException e) {
            throw new AssertionError("port " + port + " is still taken after the failed start", e);
        }
    }

    @Test
    void aDatabaseThatComesBackDuringTheRetriesIsUsed() throws IOException {
        Path later = directory.resolve("created-later");
        Application app = Application.start(settings(later.resolve("app.db"), 0, TIMEOUT, 3), line -> {
            log.add(line);
            if (line.endsWith("retrying")) {
                // The database "comes back" between the first failure and the retry.
                try {
                    Files.createDirectories(later);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }).block(TIMEOUT);
        try {
            assertEquals(1, log.stream().filter(line -> line.endsWith("retrying")).count(), log.toString());
            get(app.port(), "/users/count").as(StepVerifier::create).expectNext("200 {\"users\":0}").verifyComplete();
        } finally {
            app.stop().block(TIMEOUT);
        }
    }

    @Test
    void eachAttemptIsCutOffByTheTimeout() {
        int port = freePort();
        Application.start(settings(directory.resolve("slow.db"), port, Duration.ofMillis(1), 1), log::add)
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> assertInstanceOf(TimeoutException.class, e))
                .verify(TIMEOUT);
        assertEquals(1, log.stream().filter(line -> line.endsWith("retrying")).count(), log.toString());
        assertPortFree(port);
    }
}
