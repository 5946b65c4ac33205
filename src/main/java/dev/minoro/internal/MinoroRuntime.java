package dev.minoro.internal;

import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.MigrationReport;
import dev.minoro.MigrationStatus;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroSetup;
import dev.minoro.internal.database.AfterCancel;
import dev.minoro.internal.database.ConnectionTarget;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.database.LibsqlConnectionString;
import dev.minoro.internal.database.PostgresConnectionString;
import dev.minoro.internal.database.SqliteConnectionString;
import dev.minoro.internal.metrics.Instrumentation;
import dev.minoro.internal.migration.Migrator;
import dev.minoro.internal.repository.Repositories;
import dev.minoro.internal.repository.SpringSessionStore;
import dev.minoro.sqlite.internal.EveryError;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The one door from Minoro's public API into its implementation: {@code dev.minoro} calls this class and no other
 * of {@code dev.minoro.internal} ({@code ApiBoundaryTests} checks), so that everything behind it may change.
 * Internal: not API.
 */
public final class MinoroRuntime {

    /** How to read the {@link Target} a {@link DatabaseConfig} carries; handed over once, by DatabaseConfig. */
    private static final AtomicReference<@Nullable Function<DatabaseConfig, Target>> TARGETS = new AtomicReference<>();

    private MinoroRuntime() {
    }

    /**
     * A connection string as the implementation parsed it, once, when its {@link DatabaseConfig} was made: the
     * config carries it without looking inside, and every opening reads it.
     */
    public static final class Target {

        private final ConnectionTarget connection;

        private Target(ConnectionTarget connection) {
            this.connection = connection;
        }

        /** Whether the connection string names a remote libSQL server (sqld, Turso) rather than a local file. */
        public boolean remote() {
            return connection instanceof LibsqlConnectionString;
        }

        /** Whether the connection string names a local in-memory database rather than a file. */
        public boolean inMemory() {
            return connection instanceof SqliteConnectionString sqlite && sqlite.file() == null;
        }
    }

    /**
     * Parses {@code connection} for a {@link DatabaseConfig} of {@code type} that is being made.
     *
     * @throws ConfigurationException when it is not an accepted form, saying why and never showing a password
     */
    public static Target target(DatabaseType type, String connection) {
        switch (type) {
            case SQLITE:
                return new Target(LibsqlConnectionString.isRemote(connection)
                        ? LibsqlConnectionString.parse(connection) : SqliteConnectionString.parse(connection));
            case POSTGRES:
                return new Target(PostgresConnectionString.parse(connection));
            default:
                throw new ConfigurationException("unsupported database type " + type);
        }
    }

    /**
     * {@code token} checked for an {@code Authorization} header, for {@link DatabaseConfig#withAuthToken}.
     *
     * @throws ConfigurationException when it is null, blank or not printable ASCII, never showing it
     */
    public static String authToken(@Nullable String token) {
        return LibsqlConnectionString.checkedToken(token, "authToken");
    }

    /**
     * How the implementation reads the {@link Target} of a config: {@link DatabaseConfig} hands it over as its
     * class is initialised, so that it needs no public accessor. Accepted once.
     *
     * @throws IllegalStateException when a reader was handed over already
     */
    public static void readTargetsWith(Function<DatabaseConfig, Target> reader) {
        if (!TARGETS.compareAndSet(null, Objects.requireNonNull(reader, "reader"))) {
            throw new IllegalStateException("DatabaseConfig hands over its target reader once");
        }
    }

    /** The parsed connection string of {@code config}. */
    static ConnectionTarget targetOf(DatabaseConfig config) {
        // Set before any DatabaseConfig exists: DatabaseConfig's class initialisation hands it over.
        return Objects.requireNonNull(TARGETS.get(), "no target reader").apply(config).connection;
    }

    /**
     * A cold {@code Mono} of the database {@code config} names, opened on Reactor's bounded-elastic scheduler; its
     * connection factory connects lazily. See {@link Database#open}.
     */
    public static Mono<Database> open(DatabaseConfig config) {
        return Database.open(config, () -> targetOf(config).open(config));
    }

    /**
     * {@link #open} for reading only: nothing is created or written, and a database that does not exist yet reads
     * as an empty one. See {@link ConnectionTarget#openToRead}.
     */
    public static Mono<Database> openToRead(DatabaseConfig config) {
        return Database.open(config, () -> targetOf(config).openToRead(config));
    }

    /** See {@link Minoro#create(MinoroConfig)}. */
    public static Mono<Minoro> create(@Nullable MinoroConfig config) {
        return Mono.defer(() -> {
            if (config == null) {
                return Mono.error(new ConfigurationException("config must not be null"));
            }
            Instrumentation instrumentation = Instrumentation.of(config);
            AtomicReference<@Nullable Database> opened = new AtomicReference<>();
            AtomicReference<@Nullable Minoro> started = new AtomicReference<>();
            AtomicBoolean handedOver = new AtomicBoolean();
            Mono<Database> migrated = open(config.database())
                    .doOnNext(opened::set)
                    .flatMap(database -> Migrator.forDatabase(database, config.database().migrationLockTimeout(),
                                    config.clock())
                            .flatMap(migrator -> instrumentation.migration(
                                    migrator.boot(config.database().runMigrations())))
                            .thenReturn(database));
            // The process-wide things the repositories need (Unicode tables, a seeded random generator: blocking,
            // once per class loader) are made beside the opening and the migration check: a cold boot pays the
            // longer of the two, not their sum, and starting then blocks on nothing.
            return instrumentation.boot(Mono.zip(migrated, Repositories.warmUp().thenReturn(Boolean.TRUE),
                            (database, warm) -> database)
                    .flatMap(database -> EveryError.fromCallable(() -> {
                        Minoro minoro = DefaultMinoro.start(database, config, instrumentation);
                        started.set(minoro);
                        return minoro;
                    }))
                    .doOnNext(minoro -> handedOver.set(true))
                    .onErrorResume(e -> release(opened.get(), started.get()).then(EveryError.<Minoro>error(e)))
                    .doOnCancel(() -> {
                        if (!handedOver.get()) {
                            release(opened.get(), started.get()).subscribe();
                        }
                    }));
        });
    }

    /** Releases what a boot that failed or was cancelled had opened: the instance if it was made, else the database. */
    private static Mono<Void> release(@Nullable Database database, @Nullable Minoro minoro) {
        Mono<Void> close = minoro != null ? minoro.close() : database != null ? database.close() : Mono.empty();
        return close.onErrorResume(e -> Mono.empty());
    }

    /**
     * What the Spring Session store ({@code dev.minoro.spring.session}) made from {@code minoro} reads and writes:
     * the seam through which it reaches the instance's database without opening connections of its own.
     *
     * @throws IllegalArgumentException when {@code minoro} was not made by {@link Minoro#create} (a test double)
     */
    public static SpringSessionStore springSessionStore(Minoro minoro) {
        Objects.requireNonNull(minoro, "minoro");
        if (!(minoro instanceof DefaultMinoro)) {
            throw new IllegalArgumentException("the Spring Session store needs a Minoro made by Minoro.create, not a "
                    + minoro.getClass().getName());
        }
        return ((DefaultMinoro) minoro).springSessionStore();
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
        return withMigrator(config, MinoroRuntime::open, Migrator::migrate);
    }

    /** See {@link Minoro#migrateDatabase(MinoroConfig)}. */
    public static Mono<MigrationReport> migrateDatabase(@Nullable MinoroConfig config) {
        return Mono.defer(() -> {
            if (config == null) {
                return Mono.error(new ConfigurationException("config must not be null"));
            }
            return Instrumentation.of(config).migration(migrateDatabase(config.database()));
        });
    }

    /** See {@link Minoro#migrationStatus(DatabaseConfig)}. */
    public static Mono<MigrationStatus> migrationStatus(@Nullable DatabaseConfig config) {
        return withMigrator(config, MinoroRuntime::openToRead, Migrator::status);
    }

    /**
     * {@code work} of a migrator over the database that {@code opening} opens, closed however the work ends; once
     * cancelled, it signals no error.
     */
    private static <T> Mono<T> withMigrator(@Nullable DatabaseConfig config,
            Function<DatabaseConfig, Mono<Database>> opening, Function<Migrator, Mono<T>> work) {
        return Mono.defer(() -> {
            if (config == null) {
                return Mono.error(new ConfigurationException("database must not be null"));
            }
            // quiet: a close that fails after a cancel that came while it ran would reach a cancelled subscriber
            return AfterCancel.quiet(Mono.usingWhen(opening.apply(config),
                    database -> Migrator.forDatabase(database, config.migrationLockTimeout(), Clock.systemUTC())
                            .flatMap(work),
                    Database::close));
        });
    }
}
