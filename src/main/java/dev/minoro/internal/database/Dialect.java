package dev.minoro.internal.database;

import dev.minoro.DatabaseType;
import dev.minoro.MinoroException;
import io.r2dbc.spi.Connection;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * What differs between the databases Minoro supports, in one place per database: placeholders, the
 * folder of migration scripts, the migration lock, the schema step, and how driver errors map to Minoro's
 * exceptions. The migrator, the repositories and the login never name a database: adding one means adding
 * its dialect and its opener.
 *
 * <p>Minoro's SQL is written once, with PostgreSQL's numbered placeholders {@code $1 … $n}; a dialect
 * rewrites it for its database.
 */
public interface Dialect {

    DatabaseType type();

    /** Rewrites portable SQL (placeholders {@code $1 … $n}) for this database. */
    String sql(String portableSql);

    /**
     * An SQL expression for a new security stamp: 32 lower-case hexadecimal digits from the database's random
     * source (SQLite's ChaCha20 generator, seeded by the operating system; PostgreSQL's {@code gen_random_uuid},
     * from its strong random source), a new value for each row it is evaluated for. Schema version 2's
     * triggers use the same expression.
     */
    String newSecurityStamp();

    /**
     * The clause that ends a {@code SELECT} to hold the rows it reads of {@code table} (a name or alias in its
     * {@code FROM}) until the transaction ends, as {@code kind} says: PostgreSQL's {@code FOR … OF table}; empty on
     * SQLite, where one writer at a time holds the whole database's write lock.
     */
    String lock(RowLock kind, String table);

    /** What a {@link Dialect#lock} holds rows for, with the clause PostgreSQL takes for it. */
    enum RowLock {

        /**
         * For a transaction that updates them, so that writers take their locks in one order (a user's row before
         * its memberships): {@code FOR NO KEY UPDATE OF table}, which still lets foreign keys refer to the rows.
         */
        UPDATE,

        /**
         * For a transaction that deletes them: no new row may refer to them meanwhile. {@code FOR UPDATE OF table},
         * which waits for every {@link #REFERENCE} lock on the rows and which they wait for.
         */
        DELETE,

        /**
         * For a transaction that inserts rows that refer to them: none of them is deleted meanwhile.
         * {@code FOR KEY SHARE OF table}, the lock its foreign-key checks take (taken here first, so that it comes
         * before the transaction's other locks).
         */
        REFERENCE,

        /**
         * For a transaction that deletes them, passing over the rows another transaction holds instead of waiting
         * for them: for work that any transaction may do, such as deleting expired rows, so that two such
         * transactions, or one and a transaction that deletes some of the same rows in another order, never wait
         * for each other. {@code FOR UPDATE OF table SKIP LOCKED}.
         */
        DELETE_SKIPPING_HELD
    }

    /**
     * A cold {@code Publisher} that rolls back whatever transaction {@code connection} may have open, for a
     * transaction whose subscriber cancelled or failed: the driver's own idea of the transaction state may lag
     * behind the server's then (a {@code BEGIN} sent but its answer not read yet), so a database whose driver
     * skips the rollback when it believes no transaction is open sends one unconditionally.
     */
    default Publisher<Void> rollbackWhateverIsOpen(Connection connection) {
        return connection.rollbackTransaction();
    }

    /** The folder under {@code dev/minoro/migrations/} that holds this database's scripts. */
    String migrationFolder();

    /** What serialises migrations of this database between instances and processes. */
    MigrationLock migrationLock();

    /**
     * A cold {@code Mono} that makes the place of Minoro's tables ready with {@code statements} before the ledger
     * is created: the first step under the migration lock.
     */
    Mono<Void> prepareSchema(StatementSource statements);

    /** Whether {@code error} is a unique-constraint violation. */
    boolean isUniqueViolation(Throwable error);

    /**
     * Whether {@code error} is a foreign-key violation: a row written refers to a user or role that is not
     * there (deleted by another transaction after the statement read it).
     */
    boolean isForeignKeyViolation(Throwable error);

    /** Whether {@code error} says that a table does not exist. */
    boolean isUndefinedTable(Throwable error);

    /**
     * Minoro's exception for a driver error, with the error as its cause and a message that starts
     * with what Minoro was {@code doing}, such as {@code "creating a user"}. Minoro's own exceptions
     * pass through unchanged. A foreign-key violation becomes a {@link dev.minoro.NotFoundException}
     * (repositories that know which row is missing say so first).
     */
    MinoroException translate(Throwable error, String doing);
}
