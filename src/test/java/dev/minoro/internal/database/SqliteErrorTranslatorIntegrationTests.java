package dev.minoro.internal.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseException;
import dev.minoro.NotFoundException;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.testing.TestConfigs;
import io.r2dbc.spi.Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * SQLite's error translator against real SQLite files: each failure is recognised by SQLite's extended result
 * code, which the translated {@link DatabaseException} carries as its {@code errorCode()}.
 */
final class SqliteErrorTranslatorIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    private Database database;

    @BeforeEach
    void open() {
        database = MinoroRuntime.open(TestConfigs.sqliteFile(directory, "errors.db")).block(TIMEOUT);
        run(database, "CREATE TABLE roles (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
        run(database, "CREATE TABLE grants (role_id INTEGER NOT NULL REFERENCES roles (id))");
        run(database, "INSERT INTO roles (id, name) VALUES (1, 'admin')");
    }

    @AfterEach
    void close() {
        database.close().block(TIMEOUT);
    }

    @Test
    void uniqueAndPrimaryKeyViolationsAreRecognisedByTheirExtendedCodes() {
        Throwable unique = failure(database, "INSERT INTO roles (id, name) VALUES (2, 'admin')");
        assertTrue(database.dialect().isUniqueViolation(unique), String.valueOf(unique));
        assertFalse(database.dialect().isForeignKeyViolation(unique));
        assertFalse(database.dialect().isUndefinedTable(unique));
        DatabaseException translated = assertInstanceOf(DatabaseException.class,
                database.dialect().translate(unique, "creating a role"));
        assertEquals(SqliteErrorTranslator.SQLITE_CONSTRAINT_UNIQUE, translated.errorCode());
        assertNull(translated.sqlState(), "SQLite has no SQLSTATEs");
        assertSame(unique, translated.getCause());
        assertTrue(translated.getMessage().startsWith("creating a role failed: "), translated.getMessage());

        Throwable primaryKey = failure(database, "INSERT INTO roles (id, name) VALUES (1, 'other')");
        assertTrue(database.dialect().isUniqueViolation(primaryKey), String.valueOf(primaryKey));
        assertEquals(SqliteErrorTranslator.SQLITE_CONSTRAINT_PRIMARYKEY,
                ((DatabaseException) database.dialect().translate(primaryKey, "creating a role")).errorCode());
    }

    @Test
    void aForeignKeyViolationIsNotFound() {
        Throwable dangling = failure(database, "INSERT INTO grants (role_id) VALUES (42)");
        assertTrue(database.dialect().isForeignKeyViolation(dangling), String.valueOf(dangling));
        assertFalse(database.dialect().isUniqueViolation(dangling));
        NotFoundException translated = assertInstanceOf(NotFoundException.class,
                database.dialect().translate(dangling, "granting a role"));
        assertEquals("granting a role failed: it refers to a user or role that does not exist (deleted meanwhile)",
                translated.getMessage());
    }

    /** SQLite says "no such table" only in words, with the generic SQLITE_ERROR: these words are pinned here. */
    @Test
    void aMissingTableIsRecognisedByWhatSqliteSays() {
        Throwable missing = failure(database, "SELECT version FROM minoro_migrations");
        assertTrue(database.dialect().isUndefinedTable(missing), String.valueOf(missing));
        assertTrue(missing.getMessage().contains("no such table: minoro_migrations"), missing.getMessage());
        DatabaseException translated = assertInstanceOf(DatabaseException.class,
                database.dialect().translate(missing, "reading the ledger"));
        assertEquals(SqliteErrorTranslator.SQLITE_ERROR, translated.errorCode());
        // A missing column is another SQLITE_ERROR, not a missing table.
        Throwable column = failure(database, "SELECT no_such_column FROM roles");
        assertFalse(database.dialect().isUndefinedTable(column), String.valueOf(column));
    }

    /** Translated errors keep their cause, and so stay recognisable after a second pass. */
    @Test
    void translatedErrorsPassThroughAndStayRecognisable() {
        DatabaseException translated = assertInstanceOf(DatabaseException.class, database.withConnection("reading",
                c -> Flux.from(c.createStatement("SELECT * FROM no_such_table").execute())
                        .flatMap(r -> r.getRowsUpdated()).then(Mono.<Throwable>empty()))
                .onErrorResume(Mono::just)
                .block(TIMEOUT));
        assertEquals(SqliteErrorTranslator.SQLITE_ERROR, translated.errorCode());
        assertTrue(translated.getMessage().startsWith("reading failed: "), translated.getMessage());
        assertTrue(database.dialect().isUndefinedTable(translated));
        assertSame(translated, database.dialect().translate(translated, "again"));
    }

    @Test
    void aFileThatIsNotADatabaseCarriesSqlitesCode() throws Exception {
        Path garbage = directory.resolve("garbage.db");
        Files.write(garbage, "this is not an SQLite database, just text that is long enough to be read as one"
                .repeat(20).getBytes(StandardCharsets.UTF_8));
        Database notADatabase = MinoroRuntime.open(TestConfigs.sqliteFile(directory, "garbage.db")).block(TIMEOUT);
        try {
            Throwable error = database.dialect().translate(failure(notADatabase, "SELECT count(*) FROM sqlite_master"),
                    "reading the ledger");
            DatabaseException translated = assertInstanceOf(DatabaseException.class, error);
            assertEquals(26, translated.errorCode(), "SQLITE_NOTADB: " + translated.getMessage());
            assertNull(translated.sqlState());
        } finally {
            notADatabase.close().block(TIMEOUT);
        }
    }

    @Test
    void whatCarriesNoCodeGetsNone() {
        DatabaseException closed = assertInstanceOf(DatabaseException.class,
                database.dialect().translate(new RejectedExecutionException("closed"), "creating a user"));
        assertEquals("creating a user failed: the SQLite driver is closed or at capacity", closed.getMessage());
        assertNull(closed.errorCode());
        assertNull(closed.sqlState());
    }

    private static void run(Database database, String sql) {
        database.withConnection("setting up", c -> execute(c, sql)).block(TIMEOUT);
    }

    /** The driver's own error for {@code sql}, before any translation. */
    private static Throwable failure(Database database, String sql) {
        return Mono.usingWhen(database.connections().create(), c -> execute(c, sql), Connection::close)
                .then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just)
                .blockOptional(TIMEOUT)
                .orElseThrow(() -> new AssertionError("no error from " + sql));
    }

    private static Mono<Void> execute(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).then();
    }
}
