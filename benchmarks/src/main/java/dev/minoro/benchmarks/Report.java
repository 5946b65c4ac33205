package dev.minoro.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minoro.UserQuery;
import dev.minoro.benchmarks.JmhResults.Ratio;
import dev.minoro.benchmarks.JmhResults.Result;
import dev.minoro.benchmarks.JmhResults.Score;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns JMH's JSON (and the process benchmark's) into the Markdown tables of {@code RESULTS.md}: every figure
 * with its error, every ratio against issue 11's targets, met or not. Ratios carry the two errors combined in
 * quadrature (relative), an approximation that assumes them independent.
 *
 * <pre>java -cp target/benchmarks.jar dev.minoro.benchmarks.Report [--cores N] [--process FILE] JMH.json…</pre>
 *
 * {@code --cores} is the core count of the machine that ran the benchmarks (default: this one's), for the
 * login ceiling; {@code --process} adds the whole-process tables from {@code process/run.sh}'s JSON.
 */
public final class Report {

    private static final String[] OPERATIONS = {"findByEmail", "hasPermission", "permissionsOf", "create", "assign",
        "validate"};

    /** One Argon2id hash at the defaults holds this much memory: m = 19456 KiB. */
    private static final double HASH_MEMORY_MIB = 19.0;

    private final JmhResults jmh;
    private final int cores;
    private final StringBuilder out = new StringBuilder();
    private final List<String> summary = new ArrayList<>();

    private Report(JmhResults jmh, int cores) {
        this.jmh = jmh;
        this.cores = cores;
    }

    public static void main(String[] args) throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        Path process = null;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--cores")) {
                cores = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--process")) {
                process = Path.of(args[++i]);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        Report report = new Report(JmhResults.read(files), cores);
        report.boot();
        report.sqliteRepositories();
        report.postgresRepositories();
        report.login();
        report.scaling();
        report.searchScaling();
        report.hashing();
        if (process != null) {
            report.process(new ObjectMapper().readTree(process.toFile()));
        }
        System.out.println("## Targets of issues 11 and 13, this run\n");
        System.out.println("| target | measured | met |");
        System.out.println("|---|---|---|");
        report.summary.forEach(System.out::println);
        System.out.println();
        System.out.print(report.out);
    }

    // boot

    private void boot() {
        if (jmh.find("BootBenchmark.minoro", "avgt").isEmpty()) {
            return;
        }
        section("Boot and close, warm, up-to-date database (ms per boot + close, JMH average time)");
        line("| database | applied migrations | Minoro | Flyway `migrate()` + connect | raw floor | Minoro / Flyway"
                + " (target) | Minoro / floor (target) |");
        line("|---|---|---|---|---|---|---|");
        for (String db : new String[] {"sqlite", "postgres"}) {
            double flywayTarget = db.equals("sqlite") ? 0.1 : 0.3;
            double floorTarget = db.equals("sqlite") ? 4 : 1.3;
            for (String migrations : BootBenchmark.MIGRATIONS) {
                Optional<Score> minoro = jmh.score("BootBenchmark.minoro", "avgt", "db", db, "migrations", migrations);
                Optional<Score> flyway = jmh.score("BootBenchmark.flyway", "avgt", "db", db, "migrations", migrations);
                Optional<Score> floor = jmh.score("BootBenchmark.rawFloor", "avgt", "db", db, "migrations", migrations);
                if (minoro.isEmpty()) {
                    continue;
                }
                line("| " + name(db) + " | " + migrations + " | " + ms(minoro) + " | " + ms(flyway) + " | " + ms(floor)
                        + " | " + atMost(minoro, flyway, flywayTarget) + " | " + atMost(minoro, floor, floorTarget) + " |");
                if (!migrations.equals("50")) {
                    target(name(db) + " boot: Minoro <= " + flywayTarget + " x Flyway + connect", minoro, flyway,
                            flywayTarget, true);
                    target(name(db) + " boot: Minoro <= " + floorTarget + " x raw floor", minoro, floor, floorTarget,
                            true);
                }
            }
            for (String fewest : BootBenchmark.FEWEST_EVER) {
                Optional<Score> few = jmh.score("BootBenchmark.minoro", "avgt", "db", db, "migrations", fewest);
                Optional<Score> fifty = jmh.score("BootBenchmark.minoro", "avgt", "db", db, "migrations", "50");
                if (few.isPresent() && fifty.isPresent()) {
                    summary.add("| " + name(db) + " boot flat from " + fewest + " to 50 applied migrations (Minoro 50 / "
                            + fewest + ") | " + ratio(fifty.get().over(few.get())) + " | see text |");
                }
            }
        }
        line("");
    }

    // lookups and writes

    private void sqliteRepositories() {
        String bench = "SqliteRepositoryBenchmark.";
        if (jmh.find(bench + "findByEmail_minoro1", "thrpt").isEmpty()
                && jmh.find(bench + "findByEmail_raw", "thrpt").isEmpty()) {
            return;
        }
        section("SQLite lookups and writes (operations per second, JMH throughput; 10,000 users)");
        line("| operation | Minoro, 1 caller | Minoro, 16 subscribers | raw sqlite-jdbc, one thread, statement reused"
                + " | bridge floor, 1 caller | Minoro 16 / raw (target >= 0.8) | Minoro 1 time / bridge time"
                + " (target <= 1.3) |");
        line("|---|---|---|---|---|---|---|");
        for (String operation : OPERATIONS) {
            Optional<Score> one = rate(bench + operation + "_minoro1");
            Optional<Score> sixteen = rate(bench + operation + "_minoro16");
            Optional<Score> raw = rate(bench + operation + "_raw");
            Optional<Score> bridge = rate(bench + operation + "_bridge1");
            line("| " + operation + " | " + ops(one) + " | " + ops(sixteen) + " | " + ops(raw) + " | " + ops(bridge)
                    + " | " + atLeast(sixteen, raw, 0.8) + " | " + atMost(bridge, one, 1.3) + " |");
            target("SQLite " + operation + ", 16 subscribers >= 0.8 x raw sqlite-jdbc", sixteen, raw, 0.8, false);
            // a time ratio is the inverse throughput ratio
            target("SQLite " + operation + ", 1 caller <= 1.3 x the bridge floor's time", bridge, one, 1.3, true);
        }
        line("");
    }

    private void postgresRepositories() {
        String bench = "PostgresRepositoryBenchmark.";
        if (jmh.find(bench + "findByEmail_minoro1", "thrpt").isEmpty()
                && jmh.find(bench + "findByEmail_raw1", "thrpt").isEmpty()) {
            return;
        }
        section("PostgreSQL lookups and writes (operations per second, JMH throughput; 10,000 users; pools of 10)");
        line("| operation | Minoro, 1 caller | raw r2dbc, 1 caller | Minoro, 16 subscribers | raw r2dbc, 16 subscribers"
                + " | Minoro / raw at 1 (target >= 0.9) | Minoro / raw at 16 (target >= 0.9) |");
        line("|---|---|---|---|---|---|---|");
        for (String operation : OPERATIONS) {
            Optional<Score> one = rate(bench + operation + "_minoro1");
            Optional<Score> rawOne = rate(bench + operation + "_raw1");
            Optional<Score> sixteen = rate(bench + operation + "_minoro16");
            Optional<Score> rawSixteen = rate(bench + operation + "_raw16");
            line("| " + operation + " | " + ops(one) + " | " + ops(rawOne) + " | " + ops(sixteen) + " | "
                    + ops(rawSixteen) + " | " + atLeast(one, rawOne, 0.9) + " | " + atLeast(sixteen, rawSixteen, 0.9)
                    + " |");
            target("PostgreSQL " + operation + ", 1 caller >= 0.9 x raw r2dbc", one, rawOne, 0.9, false);
            target("PostgreSQL " + operation + ", 16 subscribers >= 0.9 x raw r2dbc", sixteen, rawSixteen, 0.9, false);
        }
        line("");
    }

    // login

    private void login() {
        Optional<Score> hash = jmh.score("LoginBenchmark.argon2idOnTheCallingThread", "avgt");
        if (hash.isEmpty()) {
            return;
        }
        Score hashTime = hash.get().in("s/op");
        section("Login: `authenticate` with 1, 2 and 16 concurrent callers (SQLite, Argon2id defaults)");
        line("One bare Argon2id hash on one thread: " + plusMinus(hashTime.value() * 1e3, hashTime.error() * 1e3)
                + " ms. Ceiling = min(callers, " + cores + " cores) / hash time.");
        line("");
        line("| callers | logins/s | ceiling | logins/s / ceiling (target >= 0.9) | p50 ms | p90 ms | p99 ms | p99.9 ms"
                + " | max ms | heap in use after GC, max (MiB) | allocated per login (MiB) |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        Double heapOfOne = null;
        Double heapOfSixteen = null;
        for (int callers : new int[] {1, 2, 16}) {
            String name = "LoginBenchmark.authenticate" + callers;
            Optional<Score> rate = rate(name);
            double ceilingValue = Math.min(callers, cores) / hashTime.value();
            Score ceiling = new Score(ceilingValue, ceilingValue * hashTime.error() / hashTime.value(), "ops/s");
            Optional<Result> sample = jmh.find(name, "sample");
            String percentiles = sample.map(r -> {
                double toMs = new Score(1, 0, r.primary().unit()).in("ms/op").value();
                return fixed(r.percentiles().getOrDefault("50.0", Double.NaN) * toMs) + " | "
                        + fixed(r.percentiles().getOrDefault("90.0", Double.NaN) * toMs) + " | "
                        + fixed(r.percentiles().getOrDefault("99.0", Double.NaN) * toMs) + " | "
                        + fixed(r.percentiles().getOrDefault("99.9", Double.NaN) * toMs) + " | "
                        + fixed(r.percentiles().getOrDefault("100.0", Double.NaN) * toMs);
            }).orElse("- | - | - | - | -");
            Optional<Result> throughput = jmh.find(name, "thrpt");
            Optional<Score> heap = throughput.map(r -> r.secondary().get("heap.maxAfterGc"));
            Optional<Score> allocated = throughput.map(r -> r.secondary().get("gc.alloc.rate.norm"));
            line("| " + callers + " | " + ops(rate) + " | " + fixed(ceiling.value()) + " | "
                    + atLeast(rate, Optional.of(ceiling), 0.9) + " | " + percentiles + " | "
                    + heap.map(s -> fixed(s.value())).orElse("-") + " | "
                    + allocated.map(s -> fixed(s.value() / (1024 * 1024))).orElse("-") + " |");
            target("Login, callers: " + callers + ", >= 0.9 x min(callers, cores) / hash time", rate,
                    Optional.of(ceiling), 0.9, false);
            if (callers == 1) {
                heapOfOne = heap.map(Score::value).orElse(null);
            } else if (callers == 16) {
                heapOfSixteen = heap.map(Score::value).orElse(null);
            }
        }
        line("");
        if (heapOfOne != null && heapOfSixteen != null) {
            double bound = cores * HASH_MEMORY_MIB;
            double added = heapOfSixteen - heapOfOne;
            line("16 callers hold " + fixed(added) + " MiB more heap than 1 caller (largest heap in use after a GC);"
                    + " the bound is hashing threads (" + cores + ") x 19 MiB = " + fixed(bound) + " MiB.");
            line("");
            summary.add("| Login heap: 16 callers hold <= " + cores + " x 19 MiB more than 1 | +" + fixed(added)
                    + " MiB | " + (added <= bound ? "met" : "**not met**") + " |");
        }
    }

    // cost as work grows

    private void scaling() {
        if (jmh.find("ScalingBenchmark.findByEmail_minoro", "avgt").isEmpty()) {
            return;
        }
        section("Cost as work grows: `findByEmail` latency by number of users (µs, JMH average time, 1 caller)");
        line("| database | users | Minoro | raw | Minoro / raw |");
        line("|---|---|---|---|---|");
        for (String db : new String[] {"sqlite", "postgres"}) {
            for (String users : new String[] {"1000", "100000", "1000000"}) {
                Optional<Score> minoro = jmh.score("ScalingBenchmark.findByEmail_minoro", "avgt", "db", db,
                        "users", users).map(s -> s.in("us/op"));
                Optional<Score> raw = jmh.score("ScalingBenchmark.findByEmail_raw", "avgt", "db", db, "users", users)
                        .map(s -> s.in("us/op"));
                if (minoro.isEmpty() && raw.isEmpty()) {
                    continue;
                }
                line("| " + name(db) + " | " + users + " | " + ops(minoro) + " | " + ops(raw) + " | "
                        + ratio(minoro, raw) + " |");
            }
            Optional<Score> small = jmh.score("ScalingBenchmark.findByEmail_minoro", "avgt", "db", db, "users", "1000");
            Optional<Score> large = jmh.score("ScalingBenchmark.findByEmail_minoro", "avgt", "db", db, "users",
                    "1000000");
            if (small.isPresent() && large.isPresent()) {
                summary.add("| " + name(db) + " lookup flat from 10^3 to 10^6 users (Minoro 10^6 / 10^3) | "
                        + ratio(large.get().over(small.get())) + " | see text |");
            }
        }
        line("");
    }

    private void searchScaling() {
        String bench = "SearchScalingBenchmark.searchByEmailPrefix_";
        if (jmh.find(bench + "minoro", "avgt").isEmpty() && jmh.find(bench + "raw", "avgt").isEmpty()) {
            return;
        }
        section("Search as users grow: first page (" + UserQuery.DEFAULT_PAGE_SIZE + ") of a search by email prefix"
                + " matching " + SearchScalingBenchmark.MATCHES + " users, by number of users (µs, JMH average time,"
                + " 1 caller)");
        line("| database | users | Minoro | raw | Minoro / raw |");
        line("|---|---|---|---|---|");
        String[] sizes = {"10000", "100000", "1000000"};
        for (String db : new String[] {"sqlite", "postgres"}) {
            for (String users : sizes) {
                Optional<Score> minoro = jmh.score(bench + "minoro", "avgt", "db", db, "users", users)
                        .map(s -> s.in("us/op"));
                Optional<Score> raw = jmh.score(bench + "raw", "avgt", "db", db, "users", users).map(s -> s.in("us/op"));
                if (minoro.isEmpty() && raw.isEmpty()) {
                    continue;
                }
                line("| " + name(db) + " | " + users + " | " + ops(minoro) + " | " + ops(raw) + " | "
                        + ratio(minoro, raw) + " |");
            }
            // flat: the time at 10^6 users over the time at 10^4, for Minoro and for the raw driver
            Optional<Score> small = jmh.score(bench + "minoro", "avgt", "db", db, "users", sizes[0]);
            Optional<Score> large = jmh.score(bench + "minoro", "avgt", "db", db, "users", sizes[2]);
            Optional<Score> rawSmall = jmh.score(bench + "raw", "avgt", "db", db, "users", sizes[0]);
            Optional<Score> rawLarge = jmh.score(bench + "raw", "avgt", "db", db, "users", sizes[2]);
            line("| " + name(db) + " | 10^6 / 10^4 | " + ratio(large, small) + " | " + ratio(rawLarge, rawSmall)
                    + " | |");
            if (small.isPresent() && large.isPresent()) {
                summary.add("| " + name(db) + " search by email prefix flat from 10^4 to 10^6 users (Minoro 10^6 / 10^4,"
                        + " issue 13) | " + ratio(large.get().over(small.get())) + " | see text |");
            }
        }
        line("");
    }

    // hashing and the cost of each login outcome

    private void hashing() {
        Optional<Score> floor = jmh.score("PasswordHashingBenchmark.bouncyCastleArgon2idOnTheCallingThread", "avgt");
        Optional<Score> change = jmh.score("PasswordHashingBenchmark.changePassword", "avgt");
        Optional<Score> wrong = jmh.score("AuthenticationBenchmark.wrongPassword", "avgt");
        if (floor.isEmpty() && wrong.isEmpty()) {
            return;
        }
        section("Password hashing and login outcomes (ms per operation, 1 caller, SQLite)");
        line("| benchmark | ms/op | against its baseline |");
        line("|---|---|---|");
        if (floor.isPresent()) {
            line("| bare Bouncy Castle Argon2id, calling thread (baseline) | " + ms(floor) + " | 1 |");
            line("| `users().changePassword` (hash on Minoro's thread + UPDATE) | " + ms(change) + " | "
                    + ratio(change, floor) + " |");
        }
        if (wrong.isPresent()) {
            for (String outcome : new String[] {"wrongPassword", "unknownEmail", "rightPassword"}) {
                Optional<Score> score = jmh.score("AuthenticationBenchmark." + outcome, "avgt");
                line("| `authenticate`, " + outcome + (outcome.equals("wrongPassword") ? " (baseline)" : "") + " | "
                        + ms(score) + " | " + ratio(score, wrong) + " |");
            }
        }
        line("");
    }

    // whole process

    private void process(JsonNode result) {
        section("Whole process, SQLite, JVM start to \"ready\" printed (ms; " + result.path("rounds").asInt()
                + " rounds, programs interleaved, a fresh JVM each time)");
        line("| program | median | mean | p10 | p90 | min | classes loaded | exit after the last line of `main` (median ms) |");
        line("|---|---|---|---|---|---|---|---|");
        JsonNode programs = result.path("programs");
        programs.properties().forEach(e -> {
            JsonNode ready = e.getValue().path("readyMs");
            JsonNode exit = e.getValue().path("exitAfterMainMs");
            line("| " + e.getKey() + " | " + fixed(ready.path("median").asDouble()) + " | "
                    + fixed(ready.path("mean").asDouble()) + " | " + fixed(ready.path("p10").asDouble()) + " | "
                    + fixed(ready.path("p90").asDouble()) + " | " + fixed(ready.path("min").asDouble()) + " | "
                    + e.getValue().path("classesLoaded").asText("-") + " | " + fixed(exit.path("median").asDouble())
                    + " |");
        });
        line("");
        JsonNode profiles = result.path("profiles");
        if (!profiles.isEmpty()) {
            profiles(profiles, result.path("profileIntervalMs").asInt());
        }
        double minoro = programs.path("minoro").path("readyMs").path("median").asDouble();
        double flyway = programs.path("flyway").path("readyMs").path("median").asDouble();
        double floor = programs.path("floor").path("readyMs").path("median").asDouble();
        summary.add("| Whole process: Minoro < Flyway process (medians) | " + fixed(minoro / flyway) + " x | "
                + (minoro < flyway ? "met" : "**not met**") + " |");
        summary.add("| Whole process: Minoro <= 1.3 x floor process (medians) | " + fixed(minoro / floor) + " x | "
                + (minoro <= 1.3 * floor ? "met" : "**not met**") + " |");
        JsonNode transport = programs.path("minoro").path("postgresTransportClasses");
        summary.add("| SQLite-only program loads no Netty, reactor-netty or r2dbc-postgresql class | "
                + transport.size() + " such classes | " + (transport.size() == 0 ? "met" : "**not met**") + " |");
        double exit = programs.path("minoro").path("exitAfterMainMs").path("median").asDouble();
        summary.add("| Program ends at once after `close()` (Minoro, median exit after `main` returns) | "
                + fixed(exit) + " ms | " + (exit < 500 ? "met" : "**not met**") + " |");
    }

    /** The process benchmark's {@code --profile}: CPU milliseconds per run by thread, then by activity. */
    private void profiles(JsonNode profiles, int intervalMs) {
        List<String> names = new ArrayList<>();
        profiles.properties().forEach(e -> names.add(e.getKey()));
        section("Where each process's CPU time goes (async-profiler, a CPU sample every " + intervalMs + " ms, "
                + profiles.path(names.get(0)).path("runs").asInt() + " runs each; ms of CPU per run, the whole"
                + " process from JVM start to exit)");
        line("| | " + String.join(" | ", names) + " |");
        line("|---" + "|---".repeat(names.size()) + "|");
        profileRows(profiles, names, "cpuMsPerRunByThread", ColdProfile.threadGroups());
        line("| *threads running Java code, by activity* |" + " |".repeat(names.size()));
        profileRows(profiles, names, "cpuMsPerRunByActivity", ColdProfile.activities());
        line("");
        line("Opening jars and searching the class path, by the code that asked (the frame nearest the lookup outside"
                + " the JDK), ms of CPU per run:");
        line("");
        for (String name : names) {
            List<String> callers = new ArrayList<>();
            profiles.path(name).path("cpuMsPerRunOpeningJarsByCaller").properties()
                    .forEach(e -> callers.add("`" + e.getKey() + "` " + fixed(e.getValue().asDouble())));
            line("- " + name + ": " + String.join(", ", callers));
        }
        line("");
    }

    private void profileRows(JsonNode profiles, List<String> names, String field, List<String> rows) {
        for (String row : rows) {
            StringBuilder cells = new StringBuilder("| " + row + " |");
            for (String name : names) {
                cells.append(' ').append(fixed(profiles.path(name).path(field).path(row).asDouble())).append(" |");
            }
            line(cells.toString());
        }
    }

    // formatting

    private Optional<Score> rate(String benchmark) {
        return jmh.score(benchmark, "thrpt").map(s -> s.in("ops/s"));
    }

    /** A ratio that should be at most {@code target}: {@code a / b}. */
    private static String atMost(Optional<Score> a, Optional<Score> b, double target) {
        if (a.isEmpty() || b.isEmpty()) {
            return "-";
        }
        Ratio r = a.get().over(b.get());
        return ratio(r) + " (<= " + plain(target) + ": " + verdict(r, target, true) + ")";
    }

    /** A ratio that should be at least {@code target}: {@code a / b}. */
    private static String atLeast(Optional<Score> a, Optional<Score> b, double target) {
        if (a.isEmpty() || b.isEmpty()) {
            return "-";
        }
        Ratio r = a.get().over(b.get());
        return ratio(r) + " (>= " + plain(target) + ": " + verdict(r, target, false) + ")";
    }

    private void target(String what, Optional<Score> a, Optional<Score> b, double target, boolean atMost) {
        if (a.isEmpty() || b.isEmpty()) {
            summary.add("| " + what + " | not measured | - |");
            return;
        }
        Ratio r = a.get().over(b.get());
        summary.add("| " + what + " | " + ratio(r) + " | " + verdict(r, target, atMost) + " |");
    }

    private static String verdict(Ratio r, double target, boolean atMost) {
        boolean met = atMost ? r.value() <= target : r.value() >= target;
        boolean withinError = Math.abs(r.value() - target) <= r.error();
        return (met ? "met" : "**not met**") + (withinError ? " (within error)" : "");
    }

    private static String ratio(Optional<Score> a, Optional<Score> b) {
        return a.isEmpty() || b.isEmpty() ? "-" : ratio(a.get().over(b.get()));
    }

    private static String ratio(Ratio r) {
        return plusMinus(r.value(), r.error());
    }

    private static String ms(Optional<Score> score) {
        return score.map(s -> s.in("ms/op")).map(s -> plusMinus(s.value(), s.error())).orElse("-");
    }

    /** A score in its own unit (a time or a rate), with its error. */
    private static String ops(Optional<Score> score) {
        return score.map(s -> plusMinus(s.value(), s.error())).orElse("-");
    }

    /** {@code value ± error}; "± ?" when JMH gave no error (a single measured iteration). */
    private static String plusMinus(double value, double error) {
        return fixed(value) + (Double.isNaN(error) ? " ± ?" : " ± " + fixed(error));
    }

    /** Three significant digits or so, never scientific notation. */
    static String fixed(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        double magnitude = Math.abs(value);
        String pattern = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, value);
    }

    private static String plain(double target) {
        return java.math.BigDecimal.valueOf(target).stripTrailingZeros().toPlainString();
    }

    private static String name(String db) {
        return db.equals("sqlite") ? "SQLite" : "PostgreSQL";
    }

    private void section(String title) {
        out.append("### ").append(title).append("\n\n");
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
