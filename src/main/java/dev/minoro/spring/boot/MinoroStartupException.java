package dev.minoro.spring.boot;

import dev.minoro.MinoroException;

/**
 * Minoro could not be configured or booted while the application started: carries Minoro's exception as its cause
 * (and its message as its own), for {@link MinoroStartupFailureAnalyzer} to explain.
 */
final class MinoroStartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final MinoroException minoroException;

    MinoroStartupException(MinoroException cause) {
        super(cause.getMessage(), cause);
        this.minoroException = cause;
    }

    /** Minoro's exception. */
    MinoroException minoroException() {
        return minoroException;
    }
}
