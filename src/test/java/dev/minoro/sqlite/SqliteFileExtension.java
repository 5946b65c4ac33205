package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The SQLite database file of each test of a class, as a JUnit 5 extension on an instance field
 * ({@code @RegisterExtension final SqliteFileExtension sqlite = SqliteFileExtension.of("items.db", "CREATE …")}):
 * a fresh temporary directory per test, and in it, opened when the test asks, a {@link SqliteConnectionFactory} on
 * the class's file with the class's options, its script (if any) run. After the test every factory opened here is
 * closed (waiting up to {@link SqliteTesting#TIMEOUT}) and the directory deleted.
 */
final class SqliteFileExtension implements BeforeEachCallback, AfterEachCallback {

    private final String fileName;
    private final @Nullable String script;
    private final UnaryOperator<SqliteConnectionConfiguration.Builder> options;
    private final List<SqliteConnectionFactory> opened = new ArrayList<>();
    private @Nullable Path directory;

    private SqliteFileExtension(String fileName, @Nullable String script,
            UnaryOperator<SqliteConnectionConfiguration.Builder> options) {
        this.fileName = fileName;
        this.script = script;
        this.options = options;
    }

    /** A file named {@code fileName}, empty when its factory opens. */
    static SqliteFileExtension of(String fileName) {
        return new SqliteFileExtension(fileName, null, b -> b);
    }

    /**
     * A file named {@code fileName} whose factory runs {@code script} (one statement or several, separated by ';')
     * when it opens.
     */
    static SqliteFileExtension of(String fileName, String script) {
        return new SqliteFileExtension(fileName, script, b -> b);
    }

    /** This file with {@code options} applied to each of its factories' configuration first. */
    SqliteFileExtension withOptions(UnaryOperator<SqliteConnectionConfiguration.Builder> options) {
        return new SqliteFileExtension(fileName, script, options);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        directory = Files.createTempDirectory("minoro-sqlite-");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            for (SqliteConnectionFactory factory : opened) {
                SqliteTesting.close(factory).block(SqliteTesting.TIMEOUT);
            }
        } finally {
            opened.clear();
            SqliteTesting.deleteRecursively(directory());
            directory = null;
        }
    }

    /** The temporary directory of the running test. */
    Path directory() {
        return Objects.requireNonNull(directory, "no test is running");
    }

    /** The class's file in {@link #directory()}. */
    Path file() {
        return directory().resolve(fileName);
    }

    /** {@link #open(UnaryOperator)} with the class's options alone. */
    SqliteConnectionFactory open() {
        return open(b -> b);
    }

    /**
     * A factory on the class's file, with the class's options and then {@code more}, once it has run the class's
     * script; closed after the test.
     */
    SqliteConnectionFactory open(UnaryOperator<SqliteConnectionConfiguration.Builder> more) {
        SqliteConnectionFactory factory = openFile(fileName, b -> more.apply(options.apply(b)));
        if (script != null) {
            update(factory, script).block(SqliteTesting.TIMEOUT);
        }
        return factory;
    }

    /**
     * A factory on another file of {@link #directory()}, with {@code options} alone and no script; closed after the
     * test.
     */
    SqliteConnectionFactory openFile(String name, UnaryOperator<SqliteConnectionConfiguration.Builder> options) {
        SqliteConnectionFactory factory = SqliteTesting.file(directory().resolve(name), options);
        opened.add(factory);
        return factory;
    }
}
