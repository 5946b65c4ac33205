package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A Minoro on a new SQLite file in a trial directory of its own (see {@link BenchData#trialDirectory}), for the
 * benchmarks whose cost is Minoro's own work on one small database (hashing, logins): made at a trial's setup,
 * closed and deleted at its teardown.
 */
final class SqliteTrial implements AutoCloseable {

    /** The password the trials' users are given. */
    static final String PASSWORD = "correct horse battery staple";

    final Minoro minoro;
    private final Path directory;

    private SqliteTrial(Path directory, Minoro minoro) {
        this.directory = directory;
        this.minoro = minoro;
    }

    /** A Minoro with its default configuration on {@code name}.db in a new directory named after {@code name}. */
    static SqliteTrial open(String name) {
        return open(name, UnaryOperator.identity());
    }

    /** The same, its configuration changed by {@code options} first. */
    static SqliteTrial open(String name, UnaryOperator<MinoroConfig.Builder> options) {
        Path directory = BenchData.trialDirectory(name + "-");
        DatabaseConfig database = DatabaseConfig.sqlite("file:" + directory.resolve(name + ".db"));
        Minoro minoro = Minoro.create(options.apply(MinoroConfig.builder().database(database)).build()).block(TIMEOUT);
        return new SqliteTrial(directory, minoro);
    }

    @Override
    public void close() {
        minoro.close().block(TIMEOUT);
        BenchData.delete(directory);
    }
}
