package dev.minoro.sqlite.internal;

import java.util.List;
import reactor.core.publisher.Flux;

/** What runs the statements of a {@link SqliteStatement} or {@link SqliteBatch}: a driver's connection. */
@FunctionalInterface
interface SqlRunner {

    /**
     * A cold Flux that runs {@code statements} in order and emits one result for each, each when the subscriber asks
     * for it.
     *
     * @param readOnly  whether every statement is clearly read-only ({@link SqlScript.Part#readOnly()}), so that it
     *                  may run where only reads do
     * @param fetchSize rows to read per batch while a result streams, 0 for the driver's default; a driver that
     *                  receives all of a result at once ignores it
     */
    Flux<SqliteResult> run(List<BoundSql> statements, boolean readOnly, int fetchSize);
}
