package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresEmbedded;
import dev.minoro.testing.PostgresInstance;
import dev.minoro.testing.PostgresServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ValidationDepth;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * How Minoro connects to PostgreSQL: {@code connect_timeout} bounds the whole set-up of a connection, as in
 * libpq (TCP, SSL, start-up and authentication), against a socket that accepts and never answers and against a
 * real server frozen with SIGSTOP; one call makes one connection attempt; a wrong password is tried once. No
 * duration is bounded from above (a busy machine stretches any): what ended a boot is read from its error, which
 * names the timeout that ended it, and from the count of connection attempts the server saw.
 */
@ExtendWith(PostgresServer.class)
final class PostgresConnectingIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static final String SECRET = "s3cr3t@:/%#?";

    /** Issue 9.7: {@code connect_timeout=2} held a boot for 60.5 s, and the message said 30 s. */
    @ParameterizedTest
    @ValueSource(strings = {"disable", "allow", "prefer", "require"})
    void aServerThatNeverAnswersIsGivenUpAfterTheConnectTimeoutWithOneAttempt(String sslMode) throws Exception {
        try (SilentServer silent = SilentServer.start()) {
            String url = "postgresql://app:" + PostgresInstance.encode(SECRET) + "@127.0.0.1:" + silent.port()
                    + "/app?sslmode=" + sslMode + "&connect_timeout=2";
            String where = "PostgreSQL database 'app' on 127.0.0.1:" + silent.port() + " as user 'app'";
            expectBootFailure(DatabaseConfig.postgres(url), message -> assertEquals(
                    "checking the schema version of the " + where + " failed: connecting to 127.0.0.1:"
                            + silent.port() + " did not complete within the connect_timeout of 2 s (TCP connection,"
                            + " SSL, start-up and authentication together) (" + where + "); check that PostgreSQL"
                            + " runs and answers at that address, and any firewall or proxy in between", message));
            // Making the JVM's first SSL context may use up the timeout before the TCP connection is made.
            assertTrue(silent.accepted() <= 1, "one call, at most one connection: " + silent.accepted());
            assertTrue(silent.awaitClosed(silent.accepted(), Duration.ofSeconds(30)),
                    "the abandoned attempt closed its socket");
        }
    }

    /** Without connect_timeout, the acquire timeout is the whole wait, and the message says so truly. */
    @Test
    void withoutAConnectTimeoutTheAcquireTimeoutIsTheWholeWait() throws Exception {
        try (SilentServer silent = SilentServer.start()) {
            String url = "postgresql://app:" + PostgresInstance.encode(SECRET) + "@127.0.0.1:" + silent.port()
                    + "/app?sslmode=disable";
            DatabaseConfig config = DatabaseConfig.postgres(url).withAcquireTimeout(Duration.ofSeconds(3));
            expectBootFailure(config, message -> assertTrue(message.contains(
                    "became available within the acquire timeout of 3 s (the pool holds at most 10;"), message));
            assertEquals(1, silent.accepted(), "one call, one connection attempt");
            // The boot released its database: the attempt still waiting for the server is given up with it.
            assertTrue(silent.awaitClosed(1, Duration.ofSeconds(30)), "closing the pool closed the waiting socket");
        }
    }

    /** Issue 9.7 against a real server: its postmaster stopped with SIGSTOP accepts TCP and never answers. */
    @Test
    void aFrozenServerIsGivenUpAfterTheConnectTimeoutAndUsedOnceItThaws() throws Exception {
        try (PostgresEmbedded.Started server = PostgresEmbedded.builder().start()) {
            DatabaseConfig config = DatabaseConfig.postgres(server.url("postgres", "sslmode=disable&connect_timeout=3"));
            signal("STOP", server.pid());
            try {
                expectBootFailure(config, message -> assertTrue(message.contains(
                        "did not complete within the connect_timeout of 3 s (TCP connection, SSL, start-up and"
                                + " authentication together)"), message));
            } finally {
                signal("CONT", server.pid());
            }
            // Thawed, it answers again (with time to spare: the machine may be busy).
            DatabaseConfig thawed = DatabaseConfig.postgres(server.url("postgres", "sslmode=disable&connect_timeout=60"));
            Minoro.create(MinoroConfig.of(thawed)).flatMap(minoro -> minoro.users().count()
                            .flatMap(n -> minoro.close().thenReturn(n)))
                    .as(StepVerifier::create)
                    .expectNext(0L)
                    .expectComplete()
                    .verify(TIMEOUT);
        }
    }

    /**
     * Issue 8.9: one wrong password made four authentication attempts on the server (the pool's retry times the
     * driver's SSL fallback of {@code prefer}, which it takes even when the server has no SSL); it makes one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"prefer", "disable", "allow"})
    void aWrongPasswordIsTriedOnce(String sslMode, PostgresDatabase db) throws Exception {
        PostgresInstance server = db.server();
        String role = "minoro_wrong_" + sslMode + "_" + ProcessHandle.current().pid();
        server.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'right-password'");
        try {
            PostgresInstance.ServerLog log = server.log();
            long mark = log.mark();
            String url = server.url(role, SECRET, db.name()).replace("sslmode=disable", "sslmode=" + sslMode);
            Minoro.create(MinoroConfig.of(DatabaseConfig.postgres(url))).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(DatabaseException.class, e);
                        assertTrue(e.getMessage().contains("password authentication failed for user '" + role + "'"),
                                e.getMessage());
                        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
                    })
                    .verify(TIMEOUT);
            String logged = logUntilNow(log, mark, user -> server.url(user, "wrong", "postgres"));
            assertEquals(1, refusedLogins(logged, role), "authentication attempts the server refused:\n" + logged);
        } finally {
            server.execute("DROP ROLE IF EXISTS " + role);
        }
    }

    /**
     * Retrying only what is safe to retry: a pooled connection that died while idle (the server dropped it) is
     * replaced within the same call, as r2dbc-pool's own acquire retry did, without retrying failed set-ups.
     */
    @Test
    void aPooledConnectionThatDiedWhileIdleIsReplacedWithinTheCall(PostgresDatabase db) throws Exception {
        Database database = MinoroRuntime.open(db.config().withPoolSize(0, 1)).block(TIMEOUT);
        try {
            Connection idle = Mono.from(database.connections().create()).block(TIMEOUT);
            db.server().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name()
                    + "' AND application_name = 'minoro'");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Boolean.TRUE.equals(Mono.from(idle.validate(ValidationDepth.LOCAL)).block(TIMEOUT))) {
                assertTrue(System.nanoTime() < deadline, "the client never saw the server close the connection");
                // The close reaches the client's event loop in its own time: poll it.
                Thread.sleep(20);
            }
            Mono.from(idle.close()).block(TIMEOUT);
            database.withConnection("querying", c -> Flux.from(c.createStatement("SELECT 1").execute())
                            .flatMap(r -> r.map((row, m) -> row.get(0, Integer.class))).single())
                    .as(StepVerifier::create)
                    .expectNext(1)
                    .expectComplete()
                    .verify(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    /**
     * The boot fails with a {@link DatabaseException} whose message {@code message} checks: it names the timeout that
     * ended the wait (issue 9.7's boot waited 60 s for a pool's retries, and its message named another timeout), so a
     * wait ended by anything else fails the check. {@code TIMEOUT} only guards against a hang.
     */
    private static void expectBootFailure(DatabaseConfig config, Consumer<String> message) {
        Minoro.create(MinoroConfig.of(config)).as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(DatabaseException.class, e);
                    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
                    message.accept(e.getMessage());
                })
                .verify(TIMEOUT);
    }

    /**
     * The FATAL lines the server logged for {@code role} in {@code logged}: each a login it refused, whatever
     * refused it (a wrong password or pg_hba.conf).
     */
    static int refusedLogins(String logged, String role) {
        int count = 0;
        for (String line : logged.split("\n")) {
            if (line.contains("user=" + role + ",") && line.contains("FATAL:")) {
                count++;
            }
        }
        return count;
    }

    /**
     * The server's log after {@code mark}, read once a login it refuses now shows in it, so that everything
     * logged before is there too. {@code urlOf} gives the URL for a user name the server does not know.
     */
    static String logUntilNow(PostgresInstance.ServerLog log, long mark, Function<String, String> urlOf)
            throws InterruptedException {
        String end = "minoro_end_" + System.nanoTime();
        Database marker = MinoroRuntime.open(DatabaseConfig.postgres(urlOf.apply(end))).block(TIMEOUT);
        try {
            marker.withConnection("logging in as the end marker", c -> Mono.just(1)).onErrorReturn(0).block(TIMEOUT);
        } finally {
            marker.close().block(TIMEOUT);
        }
        return log.sinceOnceItShows(mark, "user=" + end);
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
    }

    /**
     * A TCP server on loopback that accepts every connection and never writes a byte: what a host behind a broken
     * proxy, or a frozen server, looks like. Counts the connections and sees each one closed by the client.
     */
    static final class SilentServer implements AutoCloseable {

        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final AtomicInteger closed = new AtomicInteger();
        private final Object closedChanged = new Object();
        private final Thread acceptor;

        private SilentServer(ServerSocket socket) {
            this.socket = socket;
            this.acceptor = new Thread(this::acceptAll, "silent-postgres-" + socket.getLocalPort());
            this.acceptor.setDaemon(true);
        }

        static SilentServer start() throws IOException {
            SilentServer server = new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            server.acceptor.start();
            return server;
        }

        int port() {
            return socket.getLocalPort();
        }

        int accepted() {
            return accepted.size();
        }

        /** Waits until {@code count} connections were closed by the client. */
        boolean awaitClosed(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (closedChanged) {
                while (closed.get() < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(closedChanged, left);
                }
            }
            return true;
        }

        private void acceptAll() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    accepted.add(client);
                    Thread reader = new Thread(() -> readUntilClosed(client), "silent-postgres-reader");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void readUntilClosed(Socket client) {
            try (InputStream in = client.getInputStream()) {
                byte[] buffer = new byte[1024];
                while (in.read(buffer) >= 0) {
                    // what the client says is never answered
                }
            } catch (IOException e) {
                // a reset is a close too
            }
            synchronized (closedChanged) {
                closed.incrementAndGet();
                closedChanged.notifyAll();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket client : accepted) {
                client.close();
            }
        }
    }
}
