package dev.minoro.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code java -jar target/benchmarks.jar …}: JMH's own command line ({@code org.openjdk.jmh.Main}), after
 * starting one embedded PostgreSQL server for the whole run when the selected benchmarks need PostgreSQL and
 * {@code MINORO_BENCH_POSTGRES_URL} names none. The forks get the server through
 * {@code -jvmArgsAppend -Dminoro.bench.postgres.url=…}; it stops when this JVM ends. A benchmark needs
 * PostgreSQL when its class name says so or its {@code db} parameter (as {@code -p db=…} leaves it) includes
 * {@code postgres}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws IOException {
        String[] jmhArgs = args;
        if (needsPostgres(args) && !BenchPostgres.given()) {
            BenchPostgres.Server server = BenchPostgres.startEmbedded();
            System.out.println("PostgreSQL for benchmarks: " + server.source());
            jmhArgs = withJvmArg(jmhArgs, "-D" + BenchPostgres.URL_PROPERTY + "=" + server.url());
        } else if (System.getenv(BenchPostgres.URL_VARIABLE) != null) {
            System.out.println("PostgreSQL for benchmarks: the server at " + BenchPostgres.URL_VARIABLE);
        }
        org.openjdk.jmh.Main.main(jmhArgs);
    }

    private static boolean needsPostgres(String[] args) {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            return false; // JMH's Main reports it
        }
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            return false;
        }
        List<String> includes = options.getIncludes().isEmpty() ? List.of(".*") : options.getIncludes();
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        Collection<BenchmarkListEntry> selected = BenchmarkList.defaultList()
                .find(OutputFormatFactory.createFormatInstance(silent, VerboseMode.SILENT), includes,
                        options.getExcludes());
        for (BenchmarkListEntry entry : selected) {
            if (entry.getUserClassQName().contains("Postgres")) {
                return true;
            }
            Collection<String> db = options.getParameter("db").orElse(null);
            if (db == null) {
                Map<String, String[]> params = entry.getParams().orElse(Map.of());
                db = params.containsKey("db") ? List.of(params.get("db")) : List.of();
            }
            if (db.contains("postgres")) {
                return true;
            }
        }
        return false;
    }

    /** {@code args} with {@code jvmArg} added to JMH's {@code -jvmArgsAppend} (made when absent). */
    private static String[] withJvmArg(String[] args, String jvmArg) {
        List<String> result = new ArrayList<>(List.of(args));
        int at = result.indexOf("-jvmArgsAppend");
        if (at >= 0 && at + 1 < result.size()) {
            result.set(at + 1, result.get(at + 1) + " " + jvmArg);
        } else {
            result.add(0, jvmArg);
            result.add(0, "-jvmArgsAppend");
        }
        return result.toArray(String[]::new);
    }
}
