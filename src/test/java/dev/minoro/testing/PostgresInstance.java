package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import io.r2dbc.spi.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A running PostgreSQL server that tests use: where it came from, its version, how to reach it as a
 * user allowed to create databases, and blocking helpers for test set-up (run them on the test's own
 * thread, never inside a reactive pipeline).
 */
public final class PostgresInstance implements AutoCloseable {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** What {@code pg_stat_activity} shows for the connections of these helpers. */
    public static final String SETUP_APPLICATION = "minoro-test-setup";

    private final String source;
    private final String host;
    private final int port;
    private final String user;
    private final @Nullable String password;
    private final String query;
    private final @Nullable ServerLog log;
    private final AutoCloseable stopper;
    private final Database admin;
    private final String version;
    private final int major;

    /**
     * @param query  the libpq query string every URL carries (without '?'), such as {@code sslmode=disable}
     * @param log    the server's log, when this process can read it
     * @param stopper what stops the server (or nothing, for a server the tests did not start)
     */
    PostgresInstance(String source, String host, int port, String user, @Nullable String password, String query,
            String adminDatabase, @Nullable ServerLog log, AutoCloseable stopper) {
        this.source = source;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.query = query;
        this.log = log;
        this.stopper = stopper;
        this.admin = MinoroRuntime.open(DatabaseConfig.postgres(setupUrl(adminDatabase)).withPoolSize(0, 4))
                .block(ADMIN_TIMEOUT);
        this.version = queryString("postgres version", "SELECT version()");
        this.major = Integer.parseInt(queryString("postgres major", "SHOW server_version_num")) / 10000;
    }

    /** Where the server came from: the environment, Testcontainers, or embedded binaries. */
    public String source() {
        return source;
    }

    /** {@code SELECT version()}. */
    public String version() {
        return version;
    }

    /** The server's major version, such as 14 or 18. */
    public int major() {
        return major;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** A user that may create databases and roles. */
    public String user() {
        return user;
    }

    public @Nullable String password() {
        return password;
    }

    /**
     * The server's log, which tests read to see what the server itself ran; lines start with
     * {@code db=<database>,user=<user>,app=<application name>}.
     *
     * @throws IllegalStateException for a server from {@value PostgresServer#URL_VARIABLE}, whose log this
     *                               process cannot read
     */
    public ServerLog log() {
        if (!hasLog()) {
            throw new IllegalStateException("the log of the server from " + source + " cannot be read here; the"
                    + " tests that read the server's log need the embedded or Testcontainers server");
        }
        return log;
    }

    /** Whether {@link #log()} can be read: for the embedded and Testcontainers servers. */
    public boolean hasLog() {
        return log != null;
    }

    /** A server log that grows: mark where it ends, then read what came after. */
    public interface ServerLog {

        /** Where the log ends now. */
        long mark();

        /** What the log holds after {@code mark}. */
        String since(long mark);

        /**
         * What the log holds after {@code mark}, once that holds {@code text}: log something after what a test
         * wants to read, then wait for it. Fails after 30 s.
         */
        default String sinceOnceItShows(long mark, String text) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                String logged = since(mark);
                if (logged.contains(text)) {
                    return logged;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the server log never showed '" + text + "'; it holds:\n" + logged);
                }
                // The logging collector writes in its own time: poll the file.
                Thread.sleep(50);
            }
        }

        /** A log in a file of this file system. */
        static ServerLog file(Path file) {
            return new ServerLog() {
                @Override
                public long mark() {
                    try {
                        return Files.exists(file) ? Files.size(file) : 0;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public String since(long mark) {
                    try {
                        byte[] all = Files.readAllBytes(file);
                        int from = (int) Math.min(mark, all.length);
                        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
        }

        /** A log read whole, each time, from {@code text}. */
        static ServerLog text(Supplier<String> text) {
            return new ServerLog() {
                @Override
                public long mark() {
                    return text.get().length();
                }

                @Override
                public String since(long mark) {
                    String all = text.get();
                    return all.substring((int) Math.min(mark, all.length()));
                }
            };
        }
    }

    /** A libpq URI for {@code database} as {@link #user()}. */
    public String url(String database) {
        return url(user, password, database);
    }

    /** A libpq URI for {@code database} as {@code user}, with user and password percent-encoded. */
    public String url(String user, @Nullable String password, String database) {
        String userInfo = encode(user) + (password == null ? "" : ":" + encode(password));
        String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "postgresql://" + userInfo + "@" + hostPart + ":" + port + "/" + encode(database)
                + (query.isEmpty() ? "" : "?" + query);
    }

    /** The URL of the helpers' own connections, which tests can tell from Minoro's by their application name. */
    private String setupUrl(String database) {
        String url = url(database);
        return url + (url.indexOf('?') < 0 ? "?" : "&") + "application_name=" + SETUP_APPLICATION;
    }

    /** Creates a new, empty database with a name no other test uses. */
    public PostgresDatabase createDatabase() {
        String name = "minoro_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        execute("CREATE DATABASE " + name);
        return new PostgresDatabase(this, name);
    }

    /** Drops {@code database}, closing any connection still open on it. */
    public void dropDatabase(String database) {
        execute("DROP DATABASE IF EXISTS " + database + (major >= 13 ? " WITH (FORCE)" : ""));
    }

    /** Runs statements, each on its own, in the server's administrative database. */
    public void execute(String... statements) {
        for (String sql : statements) {
            admin.withConnection("running test set-up: " + sql, c -> run(c, sql)).block(ADMIN_TIMEOUT);
        }
    }

    /** Runs statements, each on its own, in {@code database}. */
    public void executeIn(String database, String... statements) {
        Database db = MinoroRuntime.open(DatabaseConfig.postgres(setupUrl(database)).withPoolSize(0, 1)).block(ADMIN_TIMEOUT);
        try {
            for (String sql : statements) {
                db.withConnection("running test set-up: " + sql, c -> run(c, sql)).block(ADMIN_TIMEOUT);
            }
        } finally {
            db.close().block(ADMIN_TIMEOUT);
        }
    }

    /** The first column of every row {@code sql} returns in {@code database}, as strings. */
    public List<String> queryStringsIn(String database, String sql) {
        Database db = MinoroRuntime.open(DatabaseConfig.postgres(setupUrl(database)).withPoolSize(0, 1)).block(ADMIN_TIMEOUT);
        try {
            return db.withConnectionMany("running a test query: " + sql, c -> Flux.from(c.createStatement(sql).execute())
                    .flatMap(r -> r.map((row, meta) -> String.valueOf(row.get(0)))))
                    .collectList()
                    .block(ADMIN_TIMEOUT);
        } finally {
            db.close().block(ADMIN_TIMEOUT);
        }
    }

    private String queryString(String what, String sql) {
        String value = admin.withConnection("reading the " + what, c -> Mono.from(c.createStatement(sql).execute())
                .flatMap(r -> Mono.from(r.map((row, meta) -> String.valueOf(row.get(0))))))
                .block(ADMIN_TIMEOUT);
        if (value == null) {
            throw new IllegalStateException(sql + " returned nothing");
        }
        return value;
    }

    private static Mono<Void> run(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).then();
    }

    /** Percent-encodes a URI part as libpq reads it. */
    public static String encode(String text) {
        // URLEncoder encodes for forms; libpq wants %20, not '+', and takes '*' and '~' either way.
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() throws Exception {
        try {
            admin.close().block(ADMIN_TIMEOUT);
        } finally {
            stopper.close();
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version.split(" ", 3)[1].toLowerCase(Locale.ROOT) + " from " + source + " at " + host
                + ":" + port;
    }
}
