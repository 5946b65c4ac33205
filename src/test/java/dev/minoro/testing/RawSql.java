package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import io.r2dbc.spi.Statement;
import java.time.Duration;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads and writes a database directly, around Minoro, for tests that inspect or tamper with it. */
public final class RawSql {

    private RawSql() {
    }

    /** The first column of the first row of a query written with {@code $n} placeholders, or null. */
    public static <T> T value(DatabaseConfig config, Class<T> type, String portableSql, Object... args) {
        return Mono.usingWhen(MinoroRuntime.open(config),
                        db -> db.withConnection("test query", c -> Flux.from(
                                        bind(c.createStatement(db.dialect().sql(portableSql)), args).execute())
                                .concatMap(r -> r.map(row -> Optional.ofNullable(row.get(0, type))))
                                .next()),
                        Database::close)
                .block(Duration.ofSeconds(30))
                .orElse(null);
    }

    /** Runs a statement written with {@code $n} placeholders; returns the rows it changed. */
    public static long execute(DatabaseConfig config, String portableSql, Object... args) {
        return Mono.usingWhen(MinoroRuntime.open(config),
                        db -> db.withConnection("test statement", c -> Flux.from(
                                        bind(c.createStatement(db.dialect().sql(portableSql)), args).execute())
                                .concatMap(r -> r.getRowsUpdated())
                                .reduce(0L, Long::sum)),
                        Database::close)
                .block(Duration.ofSeconds(30));
    }

    private static Statement bind(Statement statement, Object... args) {
        for (int i = 0; i < args.length; i++) {
            statement.bind(i, args[i]);
        }
        return statement;
    }
}
