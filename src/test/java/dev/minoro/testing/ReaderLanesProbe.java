package dev.minoro.testing;

import dev.minoro.sqlite.SqliteConnectionConfiguration;
import dev.minoro.sqlite.SqliteConnectionFactory;
import io.r2dbc.spi.ConnectionFactories;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * A child JVM's main that prints the SQLite driver's default number of reader lanes as this JVM sees it, and the
 * most reader lanes of factories left at the default: one built from a configuration, one read-only, one from a
 * URL. Argument: a SQLite file (it need not exist; nothing is opened). Prints {@code default=N built=N
 * readOnly=N url=N}; a test runs it with {@code -XX:ActiveProcessorCount}.
 */
public final class ReaderLanesProbe {

    private ReaderLanesProbe() {
    }

    public static void main(String[] args) {
        String file = args[0];
        SqliteConnectionFactory built = new SqliteConnectionFactory(SqliteConnectionConfiguration.builder()
                .database(file).build());
        SqliteConnectionFactory readOnly = new SqliteConnectionFactory(SqliteConnectionConfiguration.builder()
                .database(file).readOnly(true).build());
        SqliteConnectionFactory url = (SqliteConnectionFactory) ConnectionFactories.get("r2dbc:sqlite://" + file);
        System.out.println("default=" + SqliteConnectionConfiguration.defaultReaderLanes()
                + " built=" + built.metrics().readers().maxAllocatedSize()
                + " readOnly=" + readOnly.metrics().readers().maxAllocatedSize()
                + " url=" + url.metrics().readers().maxAllocatedSize());
        Mono.when(built.close(), readOnly.close(), url.close()).block(Duration.ofSeconds(30));
    }
}
