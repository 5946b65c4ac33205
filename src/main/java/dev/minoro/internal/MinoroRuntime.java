package dev.minoro.internal;

import dev.minoro.DatabaseConfig;
import dev.minoro.MigrationReport;
import dev.minoro.MigrationStatus;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroSetup;
import reactor.core.publisher.Mono;

/** The implementation behind {@link Minoro}'s static entry points. Internal: not API. */
public final class MinoroRuntime {

    private MinoroRuntime() {
    }

    public static Mono<Minoro> create(MinoroConfig config) {
        return Mono.error(new UnsupportedOperationException("not built yet: " + config));
    }

    public static Mono<Minoro> create(MinoroSetup setup) {
        return Mono.error(new UnsupportedOperationException("not built yet: " + setup));
    }

    public static Mono<MigrationReport> migrateDatabase(DatabaseConfig database) {
        return Mono.error(new UnsupportedOperationException("not built yet: " + database));
    }

    public static Mono<MigrationStatus> migrationStatus(DatabaseConfig database) {
        return Mono.error(new UnsupportedOperationException("not built yet: " + database));
    }
}
