package dev.minoro.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;

/** The one mapping of SQLite's result codes to R2DBC's exceptions, which both drivers and Minoro rely on. */
final class SqliteResultCodesTests {

    private static R2dbcException of(int code, String message) {
        return SqliteResultCodes.exception(code, message, "STATE", "SELECT 1", null);
    }

    @Test
    void eachCodeBecomesItsExceptionKeepingCodeStateAndSql() {
        R2dbcException unique = of(2067, "UNIQUE constraint failed: t.v");
        assertInstanceOf(R2dbcDataIntegrityViolationException.class, unique);
        assertEquals(2067, unique.getErrorCode());
        assertEquals("STATE", unique.getSqlState());
        assertEquals("SELECT 1", unique.getSql());
        assertInstanceOf(R2dbcDataIntegrityViolationException.class, of(20, "datatype mismatch"));
        assertInstanceOf(R2dbcBadGrammarException.class, of(1, "no such table: t"));
        assertInstanceOf(R2dbcNonTransientResourceException.class, of(1, "cannot commit - no transaction is active"));
        assertInstanceOf(R2dbcBadGrammarException.class, of(25, "column index out of range"));
        assertInstanceOf(R2dbcPermissionDeniedException.class, of(8, "attempt to write a readonly database"));
        assertInstanceOf(R2dbcTimeoutException.class, of(5, "database is locked"));
        assertInstanceOf(R2dbcTransientResourceException.class, of(517, "database is locked"));
        assertInstanceOf(R2dbcTransientResourceException.class, of(6, "database table is locked"));
        assertInstanceOf(R2dbcTimeoutException.class, of(9, "interrupted"));
        assertInstanceOf(R2dbcRollbackException.class, of(516, "abort due to ROLLBACK"));
        assertSame(R2dbcNonTransientResourceException.class, of(4, "callback requested query abort").getClass());
        assertSame(R2dbcNonTransientResourceException.class, of(14, "unable to open database file").getClass());
    }
}
