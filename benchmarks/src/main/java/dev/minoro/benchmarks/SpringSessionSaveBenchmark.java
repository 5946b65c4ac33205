package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.spring.session.MinoroReactiveSessionRepository;
import dev.minoro.spring.session.MinoroSession;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.springframework.core.serializer.DefaultSerializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Spring Session store's save (issue 14): a session with {@value #ATTRIBUTES} attributes, read as a request
 * reads it, of which one is set to a new value and the session saved, saves per second, on {@code db} =
 * {@code sqlite}, {@code postgres}. Minoro ({@code save_minoro1}: one caller waiting for each save;
 * {@code save_minoro16}: {@value #SESSIONS} sessions saved at once from one thread) against the raw statement that
 * save needs, the upsert of the one attribute with its value serialized as Minoro serializes it (Spring's Java
 * serialization): {@code save_raw1} and {@code save_raw16}, on raw sqlite-jdbc (a statement prepared once, on the
 * benchmark thread, Minoro's pragmas; {@code save_raw16} runs the 16 one after the other) or raw r2dbc-postgresql
 * over an r2dbc-pool configured as Minoro's (16 in flight). The last access is not due to be written (within the
 * renewal interval), so Minoro writes exactly that one statement too.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class SpringSessionSaveBenchmark {

    static final int ATTRIBUTES = 10;
    static final int SESSIONS = 16;
    private static final String SCHEMA = "minoro_bench_spring_session";
    private static final String CHANGED = "attribute3";
    private static final String UPSERT = "INSERT INTO minoro_session_attributes (session_id, name, value)"
            + " VALUES ($1, $2, $3) ON CONFLICT (session_id, name) DO UPDATE SET value = excluded.value";

    @Param({ "sqlite", "postgres" })
    public String db;

    private final DefaultSerializer serializer = new DefaultSerializer();
    private Path directory;
    private DatabaseConfig database;
    private Minoro minoro;
    private MinoroReactiveSessionRepository repository;
    private final List<MinoroSession> sessions = new ArrayList<>();
    private final List<UUID> primaryKeys = new ArrayList<>();
    private java.sql.Connection sqlite;
    private PreparedStatement sqliteUpsert;
    private ConnectionPool pool;
    private long counter;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        BenchPostgres.Server server = null;
        if (db.equals("sqlite")) {
            directory = BenchData.trialDirectory("spring-session-");
            database = DatabaseConfig.sqlite("file:" + directory.resolve("sessions.db"));
        } else {
            server = BenchPostgres.server();
            server.dropSchema(SCHEMA);
            database = server.minoro(SCHEMA);
        }
        minoro = Minoro.create(MinoroConfig.of(database)).block(TIMEOUT);
        repository = MinoroReactiveSessionRepository.of(minoro);
        List<String> ids = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            MinoroSession session = repository.createSession().block(TIMEOUT);
            for (int a = 0; a < ATTRIBUTES; a++) {
                session.setAttribute("attribute" + a, "an attribute value of a typical length, number " + a);
            }
            repository.save(session).block(TIMEOUT);
            ids.add(session.getId());
        }
        for (String id : ids) {
            sessions.add(repository.findById(id).block(TIMEOUT));
        }
        if (params.getBenchmark().contains("_raw")) {
            if (db.equals("sqlite")) {
                sqlite = RawSql.openSqlite(directory.resolve("sessions.db"));
                for (String id : ids) {
                    try (PreparedStatement query = sqlite.prepareStatement(
                            "SELECT id FROM minoro_sessions WHERE token_hash = ?")) {
                        query.setString(1, RawSql.tokenHash(id));
                        try (ResultSet row = query.executeQuery()) {
                            row.next();
                            primaryKeys.add(UUID.fromString(row.getString(1)));
                        }
                    }
                }
                sqliteUpsert = sqlite.prepareStatement(RawSql.sqlite(UPSERT));
            } else {
                pool = R2dbcOperations.minorosPool(server, SCHEMA);
                for (String id : ids) {
                    primaryKeys.add(Mono.usingWhen(pool.create(),
                            c -> Flux.from(c.createStatement("SELECT id FROM minoro_sessions WHERE token_hash = $1")
                                    .bind(0, RawSql.tokenHash(id)).execute())
                                    .concatMap(result -> result.map(row -> row.get(0, UUID.class))).next(),
                            Connection::close).block(TIMEOUT));
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        if (sqlite != null) {
            sqlite.close();
        }
        if (pool != null) {
            pool.dispose();
        }
        minoro.close().block(TIMEOUT);
        if (directory != null) {
            BenchData.delete(directory);
        }
    }

    private String nextValue() {
        return "a changed value of a typical length, number " + counter++;
    }

    private Mono<Void> saveChanged(MinoroSession session) {
        session.setAttribute(CHANGED, nextValue());
        return repository.save(session);
    }

    @Benchmark
    public Object save_minoro1() {
        return saveChanged(sessions.get(0)).block(TIMEOUT);
    }

    @Benchmark
    @OperationsPerInvocation(SESSIONS)
    public Object save_minoro16() {
        return Flux.fromIterable(sessions).flatMap(this::saveChanged, SESSIONS).then().block(TIMEOUT);
    }

    @Benchmark
    public Object save_raw1() throws SQLException, IOException {
        return rawSave(0);
    }

    @Benchmark
    @OperationsPerInvocation(SESSIONS)
    public Object save_raw16() throws SQLException, IOException {
        if (sqlite != null) {
            long updated = 0;
            for (int s = 0; s < SESSIONS; s++) {
                updated += (Long) rawSave(s);
            }
            return updated;
        }
        return Flux.range(0, SESSIONS).flatMap(this::rawUpsert, SESSIONS).then().block(TIMEOUT);
    }

    private Object rawSave(int session) throws SQLException, IOException {
        if (sqlite != null) {
            sqliteUpsert.setString(1, primaryKeys.get(session).toString());
            sqliteUpsert.setString(2, CHANGED);
            sqliteUpsert.setBytes(3, serializer.serializeToByteArray(nextValue()));
            return (long) sqliteUpsert.executeUpdate();
        }
        return rawUpsert(session).block(TIMEOUT);
    }

    private Mono<Long> rawUpsert(int session) {
        return Mono.usingWhen(pool.create(), c -> {
            byte[] value;
            try {
                value = serializer.serializeToByteArray(nextValue());
            } catch (IOException e) {
                return Mono.error(e);
            }
            return Flux.from(c.createStatement(UPSERT).bind(0, primaryKeys.get(session)).bind(1, CHANGED)
                            .bind(2, value).execute())
                    .concatMap(Result::getRowsUpdated).reduce(0L, Long::sum);
        }, Connection::close);
    }
}
