package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** SQLite's errors as R2DBC's exceptions, with SQLite's extended result code and the failing SQL. */
final class SqliteErrorIntegrationTests {

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("errors.db",
            "CREATE TABLE parent (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);"
            + "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id));"
            + "INSERT INTO parent (id, email) VALUES (1, 'a@example.com')");

    private SqliteConnectionFactory factory;

    @BeforeEach
    void open() {
        factory = sqlite.open();
    }

    private static void fails(Mono<?> work, Class<? extends R2dbcException> type, int code, String sql) {
        work.as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    R2dbcException error = assertInstanceOf(type, e);
                    assertEquals(code, error.getErrorCode(), error.getMessage());
                    assertEquals(sql, error.getSql());
                })
                .verify(SqliteTesting.TIMEOUT);
    }

    @Test
    void aUniqueViolationIsADataIntegrityViolationWithCode2067() {
        String sql = "INSERT INTO parent (email) VALUES (?1)";
        fails(update(factory, sql, "a@example.com"), R2dbcDataIntegrityViolationException.class, 2067, sql);
    }

    @Test
    void primaryKeyForeignKeyAndNotNullViolationsHaveTheirExtendedCodes() {
        fails(update(factory, "INSERT INTO parent (id, email) VALUES (1, 'b@example.com')"),
                R2dbcDataIntegrityViolationException.class, 1555,
                "INSERT INTO parent (id, email) VALUES (1, 'b@example.com')");
        fails(update(factory, "INSERT INTO child (parent_id) VALUES (99)"),
                R2dbcDataIntegrityViolationException.class, 787, "INSERT INTO child (parent_id) VALUES (99)");
        fails(update(factory, "INSERT INTO parent (email) VALUES (NULL)"),
                R2dbcDataIntegrityViolationException.class, 1299, "INSERT INTO parent (email) VALUES (NULL)");
    }

    @Test
    void badSqlIsBadGrammar() {
        fails(update(factory, "SELEC 1"), R2dbcBadGrammarException.class, 1, "SELEC 1");
        fails(update(factory, "SELECT * FROM nowhere"), R2dbcBadGrammarException.class, 1, "SELECT * FROM nowhere");
        fails(update(factory, "SELECT nothing FROM parent"), R2dbcBadGrammarException.class, 1,
                "SELECT nothing FROM parent");
    }

    /**
     * SQLITE_ERROR is both bad SQL and a state error, and SQLite tells them apart only in its message: each kind of
     * message that {@code SqliteResultCodes} reads as bad SQL, from real SQLite, is {@link R2dbcBadGrammarException}.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELEC 1", // near "SELEC": syntax error
        "SELECT * FROM nowhere", // no such table
        "CREATE TABLE parent (id INTEGER)", // table parent already exists
        "SELECT 'abc", // unrecognized token
        "SELECT (1", // incomplete input
        "SELECT id FROM parent, child", // ambiguous column name
        "INSERT INTO parent (missing) VALUES (1)", // table parent has no column named missing
        "SELECT abs(1, 2)", // wrong number of arguments to function abs()
        "INSERT INTO parent VALUES (1, 2, 3)", // table parent has 2 columns but 3 values were supplied
        "SELECT * FROM parent WHERE count(*) > 1", // misuse of aggregate function count()
    })
    void eachKindOfBadSqlIsBadGrammar(String sql) {
        fails(update(factory, sql), R2dbcBadGrammarException.class, 1, sql);
    }

    @Test
    void theFailingStatementOfAScriptIsTheOneReported() {
        fails(update(factory, "CREATE TABLE ok (x); INSERT INTO missing VALUES (1); CREATE TABLE never (x)"),
                R2dbcBadGrammarException.class, 1, "INSERT INTO missing VALUES (1)");
        R2dbcCalls.query(factory, "SELECT count(*) FROM sqlite_master WHERE name IN ('ok', 'never')",
                r -> r.get(0, Long.class))
                .as(StepVerifier::create).expectNext(1L).verifyComplete();
    }

    /** A migration script's way of writing: a comment after each semicolon is not the next statement's text. */
    @Test
    void theFailingStatementOfAScriptIsReportedWithoutThePreviousLinesTrailingComment() {
        fails(update(factory, "CREATE TABLE commented (x); -- the first table\n"
                        + "INSERT INTO missing VALUES (1); /* never runs */\nCREATE TABLE never (x)"),
                R2dbcBadGrammarException.class, 1, "INSERT INTO missing VALUES (1)");
    }

    @Test
    void writingThroughAReadOnlyFactoryIsPermissionDenied() {
        SqliteConnectionFactory readOnly = SqliteTesting.file(sqlite.file(), b -> b.readOnly(true));
        try {
            fails(update(readOnly, "DELETE FROM parent"), R2dbcPermissionDeniedException.class, 8, "DELETE FROM parent");
            R2dbcCalls.query(readOnly, "SELECT email FROM parent", r -> r.get(0, String.class))
                    .as(StepVerifier::create).expectNext("a@example.com").verifyComplete();
        } finally {
            SqliteTesting.close(readOnly).block(SqliteTesting.TIMEOUT);
        }
    }

    @Test
    void aLockHeldLongerThanTheBusyTimeoutIsATimeout() {
        SqliteConnectionFactory impatient = SqliteTesting.file(sqlite.file(),
                b -> b.busyTimeout(Duration.ZERO));
        Connection holder = factory.create().block(SqliteTesting.TIMEOUT);
        try {
            // BEGIN IMMEDIATE takes the write lock at once, before any write
            Mono.from(holder.beginTransaction()).block(SqliteTesting.TIMEOUT);
            fails(update(impatient, "INSERT INTO parent (email) VALUES ('c@example.com')"), R2dbcTimeoutException.class,
                    5, "INSERT INTO parent (email) VALUES ('c@example.com')");
        } finally {
            Mono.from(holder.close()).block(SqliteTesting.TIMEOUT);
            SqliteTesting.close(impatient).block(SqliteTesting.TIMEOUT);
        }
        update(factory, "INSERT INTO parent (email) VALUES ('c@example.com')").as(StepVerifier::create)
                .expectNext(1L).verifyComplete();
    }

    @Test
    void aFileThatCannotBeOpenedFailsAtFirstUseNamingThePath() {
        Path missing = sqlite.directory().resolve("no-such-directory").resolve("x.db");
        SqliteConnectionFactory broken = SqliteTesting.file(missing);
        try {
            Mono.from(broken.create()).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        R2dbcNonTransientResourceException error = assertInstanceOf(
                                R2dbcNonTransientResourceException.class, e);
                        assertEquals(14, error.getErrorCode() & 0xff);
                        assertTrue(error.getMessage().startsWith("cannot open SQLite database " + missing + ": "),
                                error.getMessage());
                    })
                    .verify(SqliteTesting.TIMEOUT);
        } finally {
            SqliteTesting.close(broken).block(SqliteTesting.TIMEOUT);
        }
    }
}
