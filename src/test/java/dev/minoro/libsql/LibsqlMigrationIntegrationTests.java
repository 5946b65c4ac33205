package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.MigrationReport;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.contract.SqliteSqlMigrationContract;
import dev.minoro.contract.ShippedMigrations;
import dev.minoro.testing.HranaRequestCounter;
import dev.minoro.testing.LibsqlDatabase;
import dev.minoro.testing.LibsqlServer;
import dev.minoro.testing.RawSql;
import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Result;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The migration contract on a remote libSQL server, each database a sqld process of its own (concurrent boots
 * in one JVM and in 4 child JVMs, a child killed during its migration); and what only a server shows: the
 * requests sent, counted by a proxy in front of sqld.
 */
final class LibsqlMigrationIntegrationTests implements SqliteSqlMigrationContract {

    @TempDir
    Path directory;

    private final List<LibsqlDatabase> databases = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() {
        databases.forEach(LibsqlDatabase::close);
    }

    @Override
    public DatabaseConfig freshDatabase() {
        LibsqlDatabase database = LibsqlServer.database();
        databases.add(database);
        return DatabaseConfig.sqlite(database.url());
    }

    @Override
    public Path scratch() {
        return directory;
    }

    private static MinoroConfig config(DatabaseConfig database) {
        return MinoroConfig.builder().database(database).argon2(64, 1, 1).build();
    }

    /** The serverless hot path on libSQL: an up-to-date boot is one HTTP request, the ledger's head read. */
    @Test
    void bootingAnUpToDateDatabaseIsOneRequest() throws Exception {
        DatabaseConfig direct = freshDatabase();
        Minoro.migrateDatabase(direct).block(TIMEOUT);
        try (HranaRequestCounter counter = HranaRequestCounter.in(direct.connection())) {
            Minoro minoro = Minoro.create(config(DatabaseConfig.sqlite(counter.url()))).block(TIMEOUT);
            try {
                assertEquals(1, counter.requests(), counter.bodies().toString());
                assertEquals(List.of(HEAD_QUERY), counter.statements());
            } finally {
                minoro.close().block(TIMEOUT);
            }
        }
    }

    /**
     * A fresh database's migration holds the server's write lock for two requests: {@code [BEGIN IMMEDIATE, the
     * ledger created, the ledger read]}, then {@code [the script, its ledger row, COMMIT]}; the one-statement check
     * comes before them, and the stream's close after the lock is released.
     */
    @Test
    void migratingHoldsTheWriteLockForTwoRequests() throws Exception {
        DatabaseConfig direct = freshDatabase();
        try (HranaRequestCounter counter = HranaRequestCounter.in(direct.connection())) {
            Minoro.migrateDatabase(DatabaseConfig.sqlite(counter.url())).block(TIMEOUT);
            List<List<String>> requests = counter.statementsByRequest();
            assertEquals(List.of(HEAD_QUERY), requests.get(0));
            assertEquals("BEGIN IMMEDIATE", requests.get(1).get(0));
            assertEquals("SELECT version, name, checksum, compatible_from, applied_at, execution_ms, applied_by FROM"
                    + " minoro_migrations ORDER BY version", requests.get(1).get(requests.get(1).size() - 1));
            List<String> write = requests.get(2);
            assertEquals("COMMIT", write.get(write.size() - 1));
            assertEquals(true, write.get(write.size() - 2).startsWith("INSERT INTO minoro_migrations"), write.toString());
            // what follows the COMMIT only closes the stream
            for (List<String> after : requests.subList(3, requests.size())) {
                assertEquals(true, after.isEmpty() || after.equals(List.of("ROLLBACK")), requests.toString());
            }
        }
        assertEquals((long) ShippedMigrations.latestVersion(),
                RawSql.value(direct, Long.class, "SELECT COUNT(*) FROM minoro_migrations"));
    }

    /**
     * sqld rolls back a write transaction that has held the lock for 5 s once another writer waits: a migration
     * stalled between its two requests (held back here for 6.5 s) while another process writes fails with
     * TRANSACTION_TIMEOUT, and is tried again, fast path first, until it is done; the other writer's work stands.
     */
    @Test
    void aMigrationTheServerRolledBackIsTriedAgain() {
        DatabaseConfig direct = freshDatabase();
        LibsqlDatabase server = databases.get(databases.size() - 1);
        RawSql.execute(direct, "CREATE TABLE other (id INTEGER PRIMARY KEY)");
        AtomicInteger batches = new AtomicInteger();
        CountDownLatch locked = new CountDownLatch(1);
        DatabaseConfig stalling = direct.withConnectionFactoryCustomizer(factory -> stallingSecondBatch(factory,
                batches, locked));
        Mono<MigrationReport> migration = Minoro.migrateDatabase(stalling).subscribeOn(Schedulers.boundedElastic());
        Mono<Void> otherWriter = Mono.fromRunnable(() -> awaitUninterruptibly(locked))
                .subscribeOn(Schedulers.boundedElastic())
                .then(Mono.usingWhen(Mono.fromSupplier(server::factory),
                        factory -> Mono.usingWhen(factory.create(),
                                c -> Mono.from(c.beginTransaction())
                                        .thenMany(c.createStatement("INSERT INTO other (id) VALUES (1)").execute())
                                        .concatMap(Result::getRowsUpdated)
                                        .then(Mono.from(c.commitTransaction())),
                                Connection::close),
                        LibsqlConnectionFactory::close));
        MigrationReport report = Mono.zip(migration, otherWriter.thenReturn(true)).map(t -> t.getT1()).block(TIMEOUT);
        assertEquals(ShippedMigrations.latestVersion(), report.toVersion());
        assertEquals(ShippedMigrations.latestVersion(), report.applied().size());
        assertTrue(batches.get() >= 4, "the migration was tried again: " + batches.get() + " batches");
        assertEquals((long) ShippedMigrations.latestVersion(),
                RawSql.value(direct, Long.class, "SELECT COUNT(*) FROM minoro_migrations"));
        assertEquals(1L, RawSql.value(direct, Long.class, "SELECT COUNT(*) FROM other"));
    }

    /** {@code factory} whose second batch (the first migration's write request) starts 6.5 s late. */
    private static ConnectionFactory stallingSecondBatch(ConnectionFactory factory, AtomicInteger batches,
            CountDownLatch locked) {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.from(factory.create()).map(connection -> (Connection) Proxy.newProxyInstance(
                        Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                        (proxy, method, args) -> {
                            Object result = invoke(method, connection, args);
                            if (!method.getName().equals("createBatch")) {
                                return result;
                            }
                            Batch batch = (Batch) result;
                            int number = batches.incrementAndGet();
                            return (Batch) Proxy.newProxyInstance(Batch.class.getClassLoader(),
                                    new Class<?>[] {Batch.class}, (b, m, a) -> {
                                        Object value = invoke(m, batch, a);
                                        if (!m.getName().equals("execute") || number != 2) {
                                            return value == batch ? b : value;
                                        }
                                        locked.countDown();
                                        return Mono.delay(Duration.ofMillis(6500))
                                                .thenMany(Flux.from((Publisher<?>) value));
                                    });
                        }));
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return factory.getMetadata();
            }
        };
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the migration never reached its second request");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
