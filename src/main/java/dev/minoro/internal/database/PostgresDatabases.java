package dev.minoro.internal.database;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Opens a PostgreSQL {@link Database}: r2dbc-postgresql behind an r2dbc-pool {@link ConnectionPool} sized
 * and timed by the {@link DatabaseConfig}. Opening connects to nothing; the pool connects on demand and
 * closing the database disposes it.
 */
final class PostgresDatabases {

    /** r2dbc-postgresql's messages that name an option and show no value. */
    private static final Pattern NAMES_AN_OPTION = Pattern.compile(
            "Cannot assign option [A-Za-z0-9_.]+|[A-Za-z0-9_.]+ must not be null");

    /** A schema name Minoro can put in {@code search_path} and {@code CREATE SCHEMA} without surprises. */
    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private PostgresDatabases() {
    }

    /**
     * Builds the pool over the driver. Reads the {@code sslrootcert} file, if any, on the calling thread.
     *
     * @throws ConfigurationException for a connection string or option the driver cannot use
     */
    static Database open(DatabaseConfig config, PostgresConnectionString target) {
        checkRootCertificate(target.sslRootCert());
        String schema = schema(config, target);
        boolean poolerMode = config.poolerMode() != null ? config.poolerMode()
                : Boolean.TRUE.equals(target.pgbouncer());
        PostgresConnector connector = new PostgresConnector(
                sslMode -> new PostgresqlConnectionFactory(configuration(config, target, schema, poolerMode, sslMode)),
                target.sslMode(), target.connectTimeout());

        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(connector)
                .name("minoro")
                .initialSize(config.poolMinSize())
                .minIdle(config.poolMinSize())
                .maxSize(config.poolMaxSize())
                .maxAcquireTime(config.acquireTimeout())
                .maxIdleTime(config.maxIdleTime())
                .maxLifeTime(config.maxLifetime() == null ? ConnectionPoolConfiguration.NO_TIMEOUT
                        : config.maxLifetime())
                .validationDepth(ValidationDepth.LOCAL)
                // One call, one connection attempt: a failed connection (a wrong password above all) is not
                // tried again behind the caller's back, and the acquire timeout is the whole wait.
                .acquireRetry(0)
                .build());
        String description = target.description() + (schema == null ? "" : ", schema " + schema);
        PostgresDialect dialect = new PostgresDialect(
                new PostgresErrorTranslator(target, poolerMode, config.poolMaxSize(), config.acquireTimeout()), schema,
                description);
        return Database.of(new PooledConnections(pool, config.poolMaxSize()), dialect, description,
                () -> Flux.concatDelayError(pool.disposeLater(), connector.close()))
                .withPoolMetrics(pool.getMetrics().orElse(null));
    }

    /** The driver's configuration with the given SSL mode. Reads the {@code sslrootcert} file, if any. */
    private static PostgresqlConnectionConfiguration configuration(DatabaseConfig config,
            PostgresConnectionString target, @Nullable String schema, boolean poolerMode, SSLMode sslMode) {
        PostgresqlConnectionConfiguration.Builder builder;
        try {
            builder = PostgresqlConnectionFactoryProvider.builder(target.options());
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw driverRefused(e);
        }
        builder.sslMode(sslMode).loopResources(PostgresConnector.LOOPS);
        if (schema != null && config.schema() != null) {
            // Quoted, so the server keeps the (lower-cased) name as it is, reserved words included.
            builder.schema('"' + schema + '"');
        }
        if (!target.options().hasOption(PostgresqlConnectionFactoryProvider.AUTODETECT_EXTENSIONS)) {
            // The driver's discovered codecs (hstore, PostGIS, pgvector) look up their types on every new
            // connection; Minoro's columns need none of them, and a cold start saves the round trip.
            builder.autodetectExtensions(false);
        }
        if (sslMode == SSLMode.VERIFY_CA) {
            // libpq's verify-ca checks the chain, not the host name; Netty 4.2 checks the host name by default.
            builder.sslContextBuilderCustomizer(ssl -> ssl.endpointIdentificationAlgorithm(null));
        }
        if (poolerMode) {
            // A transaction pooler hands each transaction to any server connection: a statement prepared
            // under a name on one is unknown on the next. With the cache off the driver parses every
            // statement as the unnamed one, in the same round trip as its execution.
            builder.preparedStatementCacheQueries(0);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw driverRefused(e);
        }
    }

    /**
     * Minoro's error for the driver's refusal of an option: its message where it only names the option, and no
     * cause, since the driver's causes quote the value ({@code For input string: "…"}), which may be part of a
     * password holding an unencoded '&'.
     */
    private static ConfigurationException driverRefused(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new ConfigurationException("invalid PostgreSQL connection option: "
                + (NAMES_AN_OPTION.matcher(message).matches() ? message : "r2dbc-postgresql refused it")
                + " (" + root.getClass().getSimpleName() + "; the value is not shown: it may hold a secret)");
    }

    /**
     * The pool as Minoro uses it: an acquire is tried again when the pool handed out a connection that died
     * while idle (the server restarted or dropped it; the pool's validation found it closed and discarded it),
     * never when making a new connection failed.
     */
    private static final class PooledConnections implements ConnectionFactory, Wrapped<ConnectionPool> {

        /** r2dbc-pool's message when an idle connection fails its validation at acquire. */
        private static final String VALIDATION_FAILED = "Connection validation failed";

        private final ConnectionPool pool;
        private final Retry deadIdleConnections;

        PooledConnections(ConnectionPool pool, int maxSize) {
            this.pool = pool;
            // Every idle connection may have died at once, as after a server restart.
            this.deadIdleConnections = Retry.max(maxSize).filter(e -> e instanceof R2dbcNonTransientResourceException
                    && VALIDATION_FAILED.equals(e.getMessage()));
        }

        @Override
        public Mono<Connection> create() {
            return pool.create().retryWhen(deadIdleConnections);
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return pool.getMetadata();
        }

        @Override
        public ConnectionPool unwrap() {
            return pool;
        }
    }

    /**
     * The schema for Minoro's tables: the one {@link DatabaseConfig#withSchema} names, else the first entry
     * of a {@code search_path} set in the connection string's {@code options}, when it is a plain name;
     * lower-cased as PostgreSQL folds an unquoted name. Null for the connection's default.
     */
    private static @Nullable String schema(DatabaseConfig config, PostgresConnectionString target) {
        String fromUrl = searchPathSchema(target.options().getValue(PostgresqlConnectionFactoryProvider.OPTIONS));
        String configured = config.schema();
        if (configured == null) {
            return fromUrl;
        }
        String schema = configured.toLowerCase(Locale.ROOT);
        if (target.options().hasOption(PostgresqlConnectionFactoryProvider.OPTIONS)
                && optionsMap(target.options().getValue(PostgresqlConnectionFactoryProvider.OPTIONS))
                        .containsKey("search_path")
                && !schema.equals(fromUrl)) {
            throw new ConfigurationException("the schema is set twice: withSchema('" + configured
                    + "') and search_path in the connection string's options; set it in one place");
        }
        if (target.options().hasOption(PostgresqlConnectionFactoryProvider.SCHEMA)
                || target.options().hasOption(PostgresqlConnectionFactoryProvider.CURRENT_SCHEMA)) {
            throw new ConfigurationException("the schema is set twice: withSchema('" + configured
                    + "') and schema in the r2dbc URL; set it in one place");
        }
        return schema;
    }

    private static @Nullable String searchPathSchema(@Nullable Object options) {
        String searchPath = options == null ? null : optionsMap(options).get("search_path");
        if (searchPath == null) {
            return null;
        }
        String first = searchPath.split(",", 2)[0].strip();
        if (first.length() > 1 && first.startsWith("\"") && first.endsWith("\"")) {
            String quoted = first.substring(1, first.length() - 1);
            return PLAIN_IDENTIFIER.matcher(quoted).matches() && quoted.equals(quoted.toLowerCase(Locale.ROOT))
                    ? quoted : null;
        }
        return PLAIN_IDENTIFIER.matcher(first).matches() ? first.toLowerCase(Locale.ROOT) : null;
    }

    /** The driver's {@code options}: a map from a libpq URI, a {@code a=b;c=d} string from an r2dbc URL. */
    private static Map<String, String> optionsMap(Object options) {
        if (options instanceof Map) {
            @SuppressWarnings("unchecked") // PostgresqlConnectionFactoryProvider.OPTIONS is typed Map<String, String>
            Map<String, String> map = (Map<String, String>) options;
            return map;
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : options.toString().split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return map;
    }

    private static void checkRootCertificate(@Nullable String sslRootCert) {
        if (sslRootCert == null || PostgresDatabases.class.getClassLoader().getResource(sslRootCert) != null) {
            return;
        }
        boolean readable;
        try {
            Path file = Path.of(sslRootCert);
            readable = Files.isRegularFile(file) && Files.isReadable(file);
        } catch (InvalidPathException e) {
            readable = false;
        }
        if (!readable) {
            throw new ConfigurationException("sslrootcert file '" + sslRootCert + "' does not exist or cannot be read");
        }
    }
}
