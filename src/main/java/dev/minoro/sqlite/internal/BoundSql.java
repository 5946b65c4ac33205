package dev.minoro.sqlite.internal;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One SQL statement to run, with the values bound to its parameters (index i is parameter ?i+1), each one of
 * {@link SqliteValues}' bound forms.
 *
 * @param sql    the text to run: the statement's, with a {@code RETURNING} clause appended where the caller asked
 *               for generated values
 * @param part   what the driver knows of the statement
 * @param values the bound values, none for a statement without parameters
 */
public record BoundSql(String sql, SqlScript.Part part, Object[] values) {

    /** {@code part} without parameters, run as it is. */
    public static BoundSql of(SqlScript.Part part) {
        return new BoundSql(part.sql(), part, new Object[0]);
    }

    /**
     * Whether a prepared statement of {@link #sql} may be kept and run again ({@link SqlScript.Part#reusable()}); a
     * statement to which the driver appended a {@code RETURNING} clause ({@code returnGeneratedValues}) is not
     * kept, as the columns it returns are not named in the SQL the cache would know it by.
     */
    public boolean reusable() {
        return part.reusable() && sql.equals(part.sql());
    }

    /** Whether {@code part}'s values are bound by name ({@code :name}, {@code @name}, {@code $name}). */
    public boolean named() {
        return !part.names().isEmpty();
    }

    /**
     * A cold Mono of {@code statements} with each bound {@link Blob} and {@link Clob} read into the {@code byte[]}
     * or {@link String} it binds as, so that nothing is left to read once a lane or a request is taken; the same
     * list when there are none.
     */
    public static Mono<List<BoundSql>> resolve(List<BoundSql> statements) {
        boolean lobs = false;
        for (BoundSql statement : statements) {
            for (Object value : statement.values()) {
                lobs |= value instanceof Blob || value instanceof Clob;
            }
        }
        if (!lobs) {
            return Mono.just(statements);
        }
        return Flux.fromIterable(statements)
                .concatMap(statement -> Flux.fromArray(statement.values())
                        .concatMap(SqliteValues::resolve)
                        .collectList()
                        .map(values -> new BoundSql(statement.sql(), statement.part(), values.toArray())))
                .collectList();
    }
}
