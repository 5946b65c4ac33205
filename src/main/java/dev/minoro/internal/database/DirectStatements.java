package dev.minoro.internal.database;

import io.r2dbc.spi.Readable;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One SQL statement run in auto-commit mode below the R2DBC {@code Connection}, for a driver that can run it
 * cheaper that way (Minoro's SQLite driver runs it in one task of a lane). Errors are the driver's, untranslated;
 * values bind by position, a typed null as {@link io.r2dbc.spi.Parameters#in(Class)}.
 */
public interface DirectStatements {

    /** A cold Flux of the rows of {@code sql}, each mapped by {@code mapper}. */
    <T> Flux<T> query(String sql, Function<? super Readable, ? extends T> mapper, Object... parameters);

    /** A cold Mono of the number of rows {@code sql} changed. */
    Mono<Long> update(String sql, Object... parameters);
}
