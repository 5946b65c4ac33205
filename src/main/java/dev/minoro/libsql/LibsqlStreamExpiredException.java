package dev.minoro.libsql;

import io.r2dbc.spi.R2dbcTransientResourceException;
import org.jspecify.annotations.Nullable;

/**
 * The server closed the stream that carried a transaction because no request reached it for a while (sqld
 * expires a stream after 10 seconds without one): the transaction was rolled back on the server. Transient:
 * begin the transaction again and retry it. Its {@link #getSqlState()} is Hrana's code {@code STREAM_EXPIRED}.
 *
 * <p>Outside a transaction every statement runs on a stream of its own, opened and closed in one request, so
 * only transactions meet this error.
 */
public final class LibsqlStreamExpiredException extends R2dbcTransientResourceException {

    private static final long serialVersionUID = 1L;

    /** Hrana's error code for an expired stream. */
    public static final String CODE = "STREAM_EXPIRED";

    LibsqlStreamExpiredException(String message, @Nullable String sql) {
        super(message, CODE, 0, sql);
    }
}
