package dev.minoro.sqlite.internal;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcRollbackException;
import org.jspecify.annotations.Nullable;

/** The savepoint SQL that both drivers send, and the errors that both report about transactions. */
public final class TransactionSql {

    private TransactionSql() {
    }

    /**
     * {@code SAVEPOINT "name"}.
     *
     * @throws IllegalArgumentException for a null or empty name
     */
    public static String savepoint(String name) {
        return "SAVEPOINT " + savepointName(name);
    }

    /** {@code RELEASE SAVEPOINT "name"}; see {@link #savepoint}. */
    public static String releaseSavepoint(String name) {
        return "RELEASE SAVEPOINT " + savepointName(name);
    }

    /** {@code ROLLBACK TO SAVEPOINT "name"}; see {@link #savepoint}. */
    public static String rollbackToSavepoint(String name) {
        return "ROLLBACK TO SAVEPOINT " + savepointName(name);
    }

    private static String savepointName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("savepoint name must not be null");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("savepoint name must not be empty");
        }
        return SqlScript.quote(name);
    }

    /** The error of {@code sql}, such as a RELEASE SAVEPOINT, sent when no transaction is active. */
    public static R2dbcNonTransientResourceException noTransaction(String sql) {
        return new R2dbcNonTransientResourceException("cannot run " + sql + ": no transaction is active", null, 0, sql);
    }

    /**
     * The error of SQL such as {@code BEGIN} sent in auto-commit mode that left a transaction open: the driver rolled
     * it back, as a connection in auto-commit mode, maybe pooled, must not keep one.
     *
     * @param sql the SQL, or null when it was several statements
     */
    public static R2dbcNonTransientResourceException leftOpen(@Nullable String sql) {
        return new R2dbcNonTransientResourceException("this SQL left a transaction open on a connection in auto-commit"
                + " mode, so it was rolled back; use Connection.beginTransaction() and commitTransaction(), or send"
                + " BEGIN and COMMIT in one script", null, 0, sql);
    }

    /**
     * The error of a statement, or a COMMIT, in a transaction that SQLite rolled back by itself when {@code failed}
     * failed or was interrupted (as SQLite does for an INSERT, UPDATE or DELETE interrupted inside a transaction, and
     * for some errors such as SQLITE_FULL): run in auto-commit mode instead, later statements would each be
     * committed on their own, outside the transaction the application thinks it has.
     */
    public static R2dbcRollbackException rolledBack(String failed, @Nullable String sql) {
        return new R2dbcRollbackException("SQLite rolled back the transaction when an earlier statement of it failed or"
                + " was interrupted ('" + failed + "'), so nothing of the transaction is kept and no later statement"
                + " can join it; roll it back (Connection.rollbackTransaction()) and run it again", null, 0, sql);
    }
}
