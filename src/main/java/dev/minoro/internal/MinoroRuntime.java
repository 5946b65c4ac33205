package dev.minoro.internal;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.MigrationReport;
import dev.minoro.MigrationStatus;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroSetup;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.database.SqliteConnectionString;
import dev.minoro.internal.migration.Migrator;
import dev.minoro.internal.password.HashingProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The implementation behind {@link Minoro}'s static entry points. Internal: not API. */
public final class MinoroRuntime {

    private MinoroRuntime() {
    }

    /** See {@link Minoro#create(MinoroConfig)}. */
    public static Mono<Minoro> create(@Nullable MinoroConfig config) {
        return create(config, HashingProbe.NONE);
    }

    /**
     * {@link #create(MinoroConfig)} with {@code probe} watching the instance's hashing threads: for tests
     * that count, hold or fail password hashing.
     */
    public static Mono<Minoro> create(@Nullable MinoroConfig config, HashingProbe probe) {
        return Mono.defer(() -> {
            if (config == null) {
                return Mono.error(new ConfigurationException("config must not be null"));
            }
            AtomicReference<@Nullable Database> opened = new AtomicReference<>();
            AtomicReference<@Nullable Minoro> started = new AtomicReference<>();
            AtomicBoolean handedOver = new AtomicBoolean();
            return Database.open(config.database())
                    .doOnNext(opened::set)
                    .flatMap(database -> Migrator.forDatabase(database, config.database().migrationLockTimeout(),
                                    config.clock())
                            .flatMap(migrator -> migrator.boot(config.database().runMigrations()))
                            // Starting makes threads and seeds random generators: not on the caller's thread.
                            .then(Mono.fromCallable(() -> {
                                Minoro minoro = DefaultMinoro.start(database, config, probe);
                                started.set(minoro);
                                return minoro;
                            }).subscribeOn(Schedulers.boundedElastic())))
                    .doOnNext(minoro -> handedOver.set(true))
                    .onErrorResume(e -> release(opened.get(), started.get()).then(Mono.error(e)))
                    .doOnCancel(() -> {
                        if (!handedOver.get()) {
                            release(opened.get(), started.get()).subscribe();
                        }
                    });
        });
    }

    /** Releases what a boot that failed or was cancelled had opened: the instance if it was made, else the database. */
    private static Mono<Void> release(@Nullable Database database, @Nullable Minoro minoro) {
        Mono<Void> close = minoro != null ? minoro.close() : database != null ? database.close() : Mono.empty();
        return close.onErrorResume(e -> Mono.empty());
    }

    /** See {@link Minoro#create(MinoroSetup)}. */
    public static Mono<Minoro> create(@Nullable MinoroSetup setup) {
        return Mono.defer(() -> {
            if (setup == null) {
                return Mono.error(new ConfigurationException("setup must not be null"));
            }
            return Mono.from(setup.setup())
                    .switchIfEmpty(Mono.error(() -> new ConfigurationException(
                            "the setup completed without emitting a MinoroConfig")))
                    .flatMap(MinoroRuntime::create);
        });
    }

    /** See {@link Minoro#migrateDatabase(DatabaseConfig)}. */
    public static Mono<MigrationReport> migrateDatabase(@Nullable DatabaseConfig config) {
        return Mono.defer(() -> {
            if (config == null) {
                return Mono.error(new ConfigurationException("database must not be null"));
            }
            return Mono.usingWhen(Database.open(config),
                    database -> Migrator.forDatabase(database, config.migrationLockTimeout(), Clock.systemUTC())
                            .flatMap(Migrator::migrate),
                    Database::close);
        });
    }

    /** See {@link Minoro#migrationStatus(DatabaseConfig)}. */
    public static Mono<MigrationStatus> migrationStatus(@Nullable DatabaseConfig config) {
        return Mono.defer(() -> {
            if (config == null) {
                return Mono.error(new ConfigurationException("database must not be null"));
            }
            // A missing SQLite file is an empty database: reading its status must not create it.
            return sqliteFileMissing(config).flatMap(missing -> missing
                    ? Migrator.statusOfEmptyDatabase("sqlite")
                    : Mono.usingWhen(Database.openReadOnly(config),
                            database -> Migrator.forDatabase(database, config.migrationLockTimeout(),
                                    Clock.systemUTC()).flatMap(Migrator::status),
                            Database::close));
        });
    }

    private static Mono<Boolean> sqliteFileMissing(DatabaseConfig config) {
        if (config.type() != DatabaseType.SQLITE) {
            return Mono.just(false);
        }
        Path file = SqliteConnectionString.parse(config.connection()).file();
        if (file == null) {
            return Mono.just(false);
        }
        return Mono.fromCallable(() -> !Files.exists(file)).subscribeOn(Schedulers.boundedElastic());
    }

}
