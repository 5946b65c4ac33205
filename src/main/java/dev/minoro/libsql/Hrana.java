package dev.minoro.libsql;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts of the Hrana 3 protocol over HTTP that the driver sends and reads
 * (<a href="https://github.com/tursodatabase/libsql/blob/main/docs/HRANA_3_SPEC.md">Hrana 3 specification</a>):
 * a pipeline of stream requests ({@code batch}, {@code get_autocommit}, {@code close}) with the stream's baton,
 * and what comes back. Values are the driver's bound forms ({@link Long}, {@link Double}, {@link String},
 * {@code byte[]} or {@code SqliteValues.NULL}) going out, and SQLite's storage classes (the same, with
 * {@code null}) coming back.
 */
final class Hrana {

    private Hrana() {
    }

    /** One request of a pipeline. */
    sealed interface Request permits BatchRequest, GetAutocommit, Close {
    }

    /** Runs {@code steps} in order on the stream, each when its condition holds. */
    record BatchRequest(List<Step> steps) implements Request {
    }

    /** Asks whether the stream's connection is outside a transaction. */
    record GetAutocommit() implements Request {
    }

    /** Closes the stream (rolling back a transaction left open on it). */
    record Close() implements Request {
    }

    /**
     * One statement of a batch.
     *
     * @param positional values bound by position ({@code ?} and {@code ?NNN}), or null
     * @param named      names (with their prefix) and values, or null
     */
    record Step(String sql, @Nullable List<Object> positional, @Nullable List<NamedValue> named, boolean wantRows,
            @Nullable Condition condition) {
    }

    /** A value bound to a named parameter; {@code name} keeps its prefix ({@code :id}). */
    record NamedValue(String name, Object value) {
    }

    /** A batch step's condition. */
    sealed interface Condition permits Ok, Not, And, IsAutocommit {
    }

    /** True when step {@code step} ran and succeeded. */
    record Ok(int step) implements Condition {
    }

    record Not(Condition condition) implements Condition {
    }

    record And(List<Condition> conditions) implements Condition {
    }

    /** True when the stream is outside a transaction. */
    record IsAutocommit() implements Condition {
    }

    /** A column of a statement's result: its name and declared type, either of which may be missing. */
    record Column(@Nullable String name, @Nullable String declaredType) {
    }

    /** What a statement produced: columns, rows of storage-class values, and the changed-row count. */
    record StatementResult(List<Column> columns, List<@Nullable Object[]> rows, long affectedRowCount) {
    }

    /** An error as Hrana reports it: a message and, usually, a code such as {@code SQLITE_CONSTRAINT}. */
    record Error(String message, @Nullable String code) {
    }

    /**
     * The outcome of one step of a batch: a result, an error, or neither when its condition was false and it
     * did not run.
     */
    record StepOutcome(@Nullable StatementResult result, @Nullable Error error) {

        boolean skipped() {
            return result == null && error == null;
        }
    }

    /** The outcome of one request of a pipeline: its response, or the error that failed it. */
    sealed interface Outcome permits BatchOutcome, AutocommitOutcome, Closed, Failed {
    }

    record BatchOutcome(List<StepOutcome> steps) implements Outcome {
    }

    record AutocommitOutcome(boolean autocommit) implements Outcome {
    }

    record Closed() implements Outcome {
    }

    record Failed(Error error) implements Outcome {
    }

    /**
     * A pipeline's response: the baton for the stream's next request (null when the server closed the stream),
     * the URL to send it to (null: the same), and one outcome per request, in order.
     */
    record Response(@Nullable String baton, @Nullable String baseUrl, List<Outcome> outcomes) {
    }
}
