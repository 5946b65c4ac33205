package dev.minoro.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Debian's PgBouncer in transaction mode on loopback, in front of a {@link PostgresInstance}: every database
 * of the server is reachable through it under its own name. When the tests run as root, PgBouncer (which
 * refuses root) runs as {@code postgres} through {@code runuser}, so its files are made readable by all.
 * Not finding PgBouncer is a failure, never a reason to skip: {@code .ci/run} installs it.
 */
public final class PostgresPooler implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> command;
    private final Path directory;
    private final int port;
    private final PostgresInstance server;
    private volatile @Nullable Process process;

    private PostgresPooler(List<String> command, Path directory, int port, PostgresInstance server) {
        this.command = command;
        this.directory = directory;
        this.port = port;
        this.server = server;
    }

    /** Starts PgBouncer in transaction mode in front of {@code server}, with 20 server connections per database. */
    public static PostgresPooler start(PostgresInstance server) throws IOException, InterruptedException {
        return start(server, 20);
    }

    /**
     * Starts PgBouncer in transaction mode in front of {@code server}, with at most {@code serverConnections}
     * server connections per database and user.
     */
    public static PostgresPooler start(PostgresInstance server, int serverConnections)
            throws IOException, InterruptedException {
        Path executable = find();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path directory = Files.createTempDirectory("minoro-pgbouncer-");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = freePort();
        String password = server.password();
        Path users = Files.writeString(directory.resolve("userlist.txt"),
                quote(server.user()) + " " + quote(password == null ? "" : password) + "\n");
        Path log = directory.resolve("pgbouncer.log");
        String ini = "[databases]\n"
                + "* = host=" + server.host() + " port=" + server.port() + " user=" + server.user()
                + (password == null ? "" : " password='" + password.replace("\\", "\\\\").replace("'", "\\'") + "'")
                + "\n"
                + "[pgbouncer]\n"
                + "listen_addr = 127.0.0.1\n"
                + "listen_port = " + port + "\n"
                + "unix_socket_dir =\n"
                + "auth_type = trust\n"
                + "auth_file = " + users + "\n"
                + "pool_mode = transaction\n"
                + "max_client_conn = 1000\n"
                + "default_pool_size = " + serverConnections + "\n"
                // r2dbc-postgresql, like pgjdbc, sends extra_float_digits at start-up; PgBouncer < 1.20 refuses it otherwise.
                + "ignore_startup_parameters = extra_float_digits\n"
                + "server_tls_sslmode = prefer\n"
                + "logfile = " + log + "\n"
                + "admin_users = " + server.user() + "\n";
        Path config = Files.writeString(directory.resolve("pgbouncer.ini"), ini);
        for (Path file : List.of(users, config)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(executable.toString());
        command.add(config.toString());
        PostgresPooler pooler = new PostgresPooler(List.copyOf(command), directory, port, server);
        try {
            pooler.startAgain();
        } catch (IOException | RuntimeException e) {
            pooler.close();
            throw e;
        }
        return pooler;
    }

    /**
     * Starts PgBouncer, after {@link #stop()}, on the same port with the same configuration, and waits until it
     * listens; its clients' connections from before are gone, as after a restart of the pooler in production.
     */
    public void startAgain() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("PgBouncer runs: stop it first");
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("stdout.txt").toFile()))
                .start();
        awaitListening();
    }

    /**
     * Stops PgBouncer at once (SIGTERM, its immediate shutdown: every client connection is closed), and waits until
     * it has exited. {@link #startAgain()} starts it again.
     */
    public void stop() {
        Process running = process;
        if (running == null) {
            return;
        }
        process = null;
        // runuser does not always pass the signal on: stop PgBouncer itself, then runuser.
        running.descendants().forEach(ProcessHandle::destroy);
        running.destroy();
        try {
            if (!running.waitFor(10, TimeUnit.SECONDS)) {
                running.descendants().forEach(ProcessHandle::destroyForcibly);
                running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The port PgBouncer listens on, at 127.0.0.1. */
    public int port() {
        return port;
    }

    /** A libpq URI for {@code database} through PgBouncer, with {@code pgbouncer=true}. */
    public String url(String database) {
        return "postgresql://" + PostgresInstance.encode(server.user()) + "@127.0.0.1:" + port + "/" + database
                + "?sslmode=disable&pgbouncer=true";
    }

    private void awaitListening() throws IOException, InterruptedException {
        Process process = Objects.requireNonNull(this.process, "PgBouncer was started");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("pgbouncer exited with " + process.exitValue() + ": " + output());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                // Polling a port that opens by itself: nothing to wait on but time.
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
        }
        throw new IOException("pgbouncer did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT + ": " + output());
    }

    /** What PgBouncer wrote, for failure messages. */
    public String output() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("stdout.txt", "pgbouncer.log")) {
            Path file = directory.resolve(name);
            try {
                if (Files.exists(file)) {
                    text.append("\n--- ").append(name).append(" ---\n").append(Files.readString(file));
                }
            } catch (IOException e) {
                text.append("\n(cannot read ").append(name).append(": ").append(e).append(')');
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        stop();
        PostgresEmbedded.deleteRecursively(directory);
    }

    private static Path find() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "pgbouncer"));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin/pgbouncer"));
        candidates.add(Path.of("/usr/local/sbin/pgbouncer"));
        candidates.add(Path.of("/usr/local/bin/pgbouncer"));
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("pgbouncer is not installed (looked on the PATH and in /usr/sbin); install it"
                + " with 'apt-get install -y pgbouncer', as .ci/run does");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String quote(@Nullable String value) {
        return "\"" + (value == null ? "" : value.replace("\"", "\"\"")) + "\"";
    }
}
