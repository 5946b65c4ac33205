package dev.minoro.internal.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minoro.DatabaseConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.testing.ConnectionCallGate;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

/**
 * A cancelled call of the {@link Database} seam, and of the migration lock over it, signals no error, on a real
 * SQLite file, a real PostgreSQL and a real sqld: not when the commit or rollback it had begun when the cancel came
 * fails on a connection closed meanwhile, nor when its work's error is delivered once the connection is released.
 * Such an error used to reach Reactor's {@code Hooks.onErrorDropped} (an ERROR line "Operator called default
 * onErrorDropped"). Each test holds the end of the transaction, cancels, closes the database (and, on PostgreSQL,
 * whose pool leaves a lent connection open, ends the server's sessions), then lets the end go on.
 */
final class DatabaseCancellationIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The kinds of database, each opened over a gated connection factory. */
    enum Kind {
        SQLITE, POSTGRES, LIBSQL
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTransactionCancelledWhileItCommitsSignalsNoErrorWhenTheCommitFails(Kind kind, @TempDir Path dir)
            throws Exception {
        assertNothingDropped(kind, dir, "commitTransaction",
                database -> database.inTransaction("committing", c -> Mono.just("done")));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTransactionCancelledAfterItsWorkFailedSignalsNoError(Kind kind, @TempDir Path dir) throws Exception {
        assertNothingDropped(kind, dir, "close",
                database -> database.inTransaction("failing", c -> Mono.error(workFailed())));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aConnectionsWorkCancelledAfterItFailedSignalsNoError(Kind kind, @TempDir Path dir) throws Exception {
        assertNothingDropped(kind, dir, "close",
                database -> database.withConnection("failing", c -> Mono.error(workFailed())));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aConnectionsManyValuedWorkCancelledAfterItFailedSignalsNoError(Kind kind, @TempDir Path dir)
            throws Exception {
        assertNothingDropped(kind, dir, "close", database -> database.withConnectionMany("failing",
                c -> Flux.concat(Flux.just("first"), Flux.error(workFailed()))));
    }

    /** The migration lock (PostgreSQL's advisory lock in a transaction, SQLite's mutex and BEGIN IMMEDIATE). */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void theMigrationLockCancelledWhileItCommitsSignalsNoErrorWhenTheCommitFails(Kind kind, @TempDir Path dir)
            throws Exception {
        assertNothingDropped(kind, dir, "commitTransaction", database -> database.dialect().migrationLock()
                .withLock(database, TIMEOUT, statements -> Mono.just("read"),
                        (statements, read) -> Mono.just("written")));
    }

    private static IllegalStateException workFailed() {
        return new IllegalStateException("work failed");
    }

    /**
     * Subscribes to what {@code call} makes of a database whose next {@code held} call is held, cancels once it
     * is, ends the connections, releases the call and waits until the connection's closing that follows has ended:
     * nothing may have reached the dropped-error hook by then.
     */
    private static void assertNothingDropped(Kind kind, Path dir, String held,
            Function<Database, ? extends org.reactivestreams.Publisher<?>> call) throws Exception {
        ConnectionCallGate gate = new ConnectionCallGate();
        @Nullable PostgresDatabase postgres = kind == Kind.POSTGRES ? PostgresServer.shared().createDatabase() : null;
        @Nullable LibsqlDatabase libsql = kind == Kind.LIBSQL ? LibsqlServer.database() : null;
        DatabaseConfig config = postgres != null ? postgres.config()
                : libsql != null ? DatabaseConfig.sqlite(libsql.url())
                : TestConfigs.sqliteFile(dir, "cancelled.db");
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        try {
            Database database = MinoroRuntime.open(config.withConnectionFactoryCustomizer(gate::wrap)).block(TIMEOUT);
            Hooks.onErrorDropped(dropped::add);
            try {
                gate.holdNext(held);
                Disposable subscription = Flux.from(call.apply(database)).subscribe(value -> { }, error -> { });
                gate.awaitHeld(TIMEOUT);
                subscription.dispose();
                if (postgres != null) {
                    // r2dbc-pool leaves a lent connection open when it closes: end it the way a server restart would
                    postgres.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
                }
                database.close().block(TIMEOUT);
                gate.release();
                gate.awaitClosed(TIMEOUT);
            } finally {
                Hooks.resetOnErrorDropped();
                database.close().block(TIMEOUT);
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
            if (libsql != null) {
                libsql.close();
            }
        }
        assertEquals(List.of(), dropped.stream().map(Throwable::toString).toList());
    }
}
