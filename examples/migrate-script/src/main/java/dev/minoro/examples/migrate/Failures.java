package dev.minoro.examples.migrate;

import java.io.PrintStream;
import java.util.concurrent.TimeoutException;
import reactor.core.Exceptions;

/** Prints why a run failed, in a form that reads well in a CI log, and picks the exit code. */
final class Failures {

    private Failures() {
    }

    /**
     * Prints {@code failure} and the chain of its causes, one line each, to {@code err}. Minoro's messages
     * never contain a password; the causes are the driver's, which name files, hosts and SQL states.
     */
    static int report(String program, Throwable thrown, PrintStream err) {
        Throwable failure = Exceptions.unwrap(thrown);
        ExitCode exit = ExitCode.of(failure);
        if (failure instanceof TimeoutException) {
            err.println(program + ": gave up: " + failure.getMessage());
        } else {
            err.println(program + ": failed (" + failure.getClass().getSimpleName() + "): " + failure.getMessage());
        }
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            err.println("  caused by " + cause.getClass().getName() + ": " + cause.getMessage());
        }
        err.println(program + ": exit code " + exit.code + " (" + exit + ")");
        return exit.code;
    }
}
