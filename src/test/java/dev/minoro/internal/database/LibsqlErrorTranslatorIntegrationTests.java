package dev.minoro.internal.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.NotFoundException;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The libSQL error translator against a real sqld. Hrana sends only SQLite's primary code, so what the driver makes
 * of sqld's words is pinned here: {@code UNIQUE constraint failed} (extended code 2067), {@code FOREIGN KEY
 * constraint failed} (787) and {@code no such table} (SQLITE_ERROR, which sqld reports as {@code SQLITE_UNKNOWN}).
 */
final class LibsqlErrorTranslatorIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static LibsqlDatabase server;
    private static Database database;

    @BeforeAll
    static void open() {
        server = LibsqlServer.database();
        database = MinoroRuntime.open(DatabaseConfig.sqlite(server.url())).block(TIMEOUT);
        run("CREATE TABLE roles (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
        run("CREATE TABLE grants (role_id INTEGER NOT NULL REFERENCES roles (id))");
        run("INSERT INTO roles (id, name) VALUES (1, 'admin')");
    }

    @AfterAll
    static void close() {
        database.close().block(TIMEOUT);
        server.close();
    }

    @Test
    void aUniqueViolationIsRecognisedFromWhatSqldSays() {
        Throwable unique = failure("INSERT INTO roles (id, name) VALUES (2, 'admin')");
        assertTrue(unique.getMessage().contains("UNIQUE constraint failed: roles.name"), unique.getMessage());
        assertTrue(database.dialect().isUniqueViolation(unique), String.valueOf(unique));
        assertFalse(database.dialect().isForeignKeyViolation(unique));
        assertFalse(database.dialect().isUndefinedTable(unique));
        DatabaseException translated = assertInstanceOf(DatabaseException.class,
                database.dialect().translate(unique, "creating a role"));
        assertEquals(2067, translated.errorCode());
        assertEquals("SQLITE_CONSTRAINT", translated.sqlState());
        assertTrue(translated.getMessage().startsWith("creating a role failed: "), translated.getMessage());
        assertTrue(database.dialect().isUniqueViolation(failure("INSERT INTO roles (id, name) VALUES (1, 'x')")),
                "a rowid PRIMARY KEY is worded as UNIQUE by SQLite");
    }

    @Test
    void aForeignKeyViolationIsNotFound() {
        Throwable foreignKey = failure("INSERT INTO grants (role_id) VALUES (42)");
        assertTrue(foreignKey.getMessage().contains("FOREIGN KEY constraint failed"), foreignKey.getMessage());
        assertTrue(database.dialect().isForeignKeyViolation(foreignKey));
        assertFalse(database.dialect().isUniqueViolation(foreignKey));
        assertInstanceOf(NotFoundException.class, database.dialect().translate(foreignKey, "assigning a role"));
    }

    @Test
    void aMissingTableIsRecognisedFromWhatSqldSays() {
        Throwable missing = failure("SELECT * FROM minoro_nothing");
        assertTrue(missing.getMessage().contains("no such table: minoro_nothing"), missing.getMessage());
        assertTrue(database.dialect().isUndefinedTable(missing));
        assertFalse(database.dialect().isUniqueViolation(missing));
        DatabaseException translated = assertInstanceOf(DatabaseException.class,
                database.dialect().translate(missing, "counting users"));
        assertEquals(1, translated.errorCode());
        assertFalse(database.dialect().isUndefinedTable(failure("SELEC 1")), "a syntax error is no missing table");
    }

    @Test
    void conflictsTheServerReportsAreTransientAndHttpFailuresCarryNoSqliteCode() {
        assertTrue(LibsqlErrorTranslator.isTransientConflict(new R2dbcRollbackException("Transaction timed out",
                "TRANSACTION_TIMEOUT", 0, (String) null)));
        assertTrue(LibsqlErrorTranslator.isTransientConflict(new R2dbcTransientResourceException("expired",
                "STREAM_EXPIRED", 0, (String) null)));
        assertTrue(LibsqlErrorTranslator.isTransientConflict(new R2dbcTransientResourceException("database is locked",
                "SQLITE_BUSY", 5, (String) null)));
        assertFalse(LibsqlErrorTranslator.isTransientConflict(failure("INSERT INTO roles (id, name) VALUES (3, 'admin')")));
        DatabaseException http = assertInstanceOf(DatabaseException.class, database.dialect().translate(
                new io.r2dbc.spi.R2dbcPermissionDeniedException("the libSQL server at x refused the request (HTTP 401)",
                        "HTTP_401", 401, (String) null), "counting users"));
        assertNull(http.errorCode(), "401 is an HTTP status, not a SQLite code");
        assertEquals("HTTP_401", http.sqlState());
    }

    private static void run(String sql) {
        database.withConnection("test", c -> execute(c, sql)).block(TIMEOUT);
    }

    /** The driver's own error for {@code sql}, before any translation. */
    private static Throwable failure(String sql) {
        return Mono.usingWhen(database.connections().create(), c -> execute(c, sql), Connection::close)
                .then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just)
                .blockOptional(TIMEOUT)
                .orElseThrow(() -> new AssertionError("no error from " + sql));
    }

    private static Mono<Void> execute(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated()).then();
    }
}
